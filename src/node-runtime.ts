/**
 * Which Node.js the exporter accepts: the LTS lines it has been tested on, 24 and 26 (package.json
 * `engines` says the same; a test checks). It builds and tests on the Node.js 26 that `npm
 * install` puts in node_modules, and the image has the same. A machine's own older Node.js (20 on
 * many) is what a direct `node dist/src/main.js` gets, while `npm start` runs the bundled one:
 * the refusal says so.
 */
export const NODE_FLOOR = [24, 0] as const;

export function nodeTooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major < NODE_FLOOR[0] || (major === NODE_FLOOR[0] && minor < NODE_FLOOR[1]);
}

export function nodeTooOldMessage(version: string): string {
  return (
    `ecoflow-exporter runs on Node.js ${NODE_FLOOR.join('.')} or newer; this is ${version}. ` +
    'Start it with `npm start` (or `npm run demo`), which runs the Node.js 26 that `npm install` installed, or use the container image.'
  );
}

/**
 * Which Node.js the exporter accepts. OpenTelemetry JS 3.x supports Node.js 22.15 and later; we
 * build and test on 24 (package.json `engines`, the image). A machine's own older Node.js (20 on
 * many) is what a direct `node dist/src/main.js` gets, while `npm start` runs the Node.js 24 that
 * `npm install` put in node_modules: the refusal says so.
 */
export const NODE_FLOOR = [22, 15] as const;

export function nodeTooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major < NODE_FLOOR[0] || (major === NODE_FLOOR[0] && minor < NODE_FLOOR[1]);
}

export function nodeTooOldMessage(version: string): string {
  return (
    `ecoflow-exporter runs on Node.js 24 (${NODE_FLOOR.join('.')} at the least); this is ${version}. ` +
    'Start it with `npm start` (or `npm run demo`), which runs the Node.js 24 that `npm install` installed, or use the container image.'
  );
}

/**
 * Basic auth for the metrics endpoint, against the users of the web config file
 * (config/web-config.ts).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';

// Loaded on first use: most installations have no basic auth, and a small machine should not carry bcrypt for it.
const require = createRequire(import.meta.url);
const bcrypt = (): typeof import('bcryptjs') => require('bcryptjs');

/**
 * Checks `Authorization: Basic …` against the users. bcrypt is slow on purpose, so results are
 * remembered (keyed by a hash of the credentials, never the password itself), as the
 * exporter-toolkit does; a scrape every few seconds must not cost 100 ms of CPU each.
 */
export function basicAuthenticator(users: Map<string, string>): (req: IncomingMessage) => Promise<boolean> {
  const verdicts = new Map<string, boolean>();
  return async (req) => {
    const header = req.headers.authorization ?? '';
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const hash = users.get(user);
    if (hash === undefined) return false;
    const key = createHash('sha256').update(`${user}\0${password}`).digest('hex');
    let ok = verdicts.get(key);
    if (ok === undefined) {
      ok = await bcrypt().compare(password, hash);
      if (verdicts.size >= 1000) verdicts.clear();
      verdicts.set(key, ok);
    }
    return ok;
  };
}

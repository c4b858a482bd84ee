import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/** Where Debian/Ubuntu/Alpine and RHEL keep the system's CA bundle. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];

/**
 * The CAs the MQTT connection trusts: Node's bundled roots, the system store, and the file
 * NODE_EXTRA_CA_CERTS names. Read explicitly because Node applies NODE_EXTRA_CA_CERTS only to
 * its default store, which an explicit `ca` option replaces. Verification is never switched off.
 */
export function trustedCertificates(extraCaFile?: string): string[] {
  const pems = [...rootCertificates];
  for (const path of SYSTEM_BUNDLES) {
    const text = readIfThere(path);
    if (text) {
      pems.push(text);
      break;
    }
  }
  if (extraCaFile) {
    const text = readIfThere(extraCaFile);
    if (text === undefined) throw new Error(`NODE_EXTRA_CA_CERTS: cannot read ${extraCaFile}`);
    pems.push(text);
  }
  return pems;
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

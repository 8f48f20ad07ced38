// A test CA and a server certificate it signs, made with openssl (Debian's) in a temporary folder:
// for the relay's wss:// and the web server's https:// in tests (e2e/tls-relay.e2e.test.ts, the lab).
import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface TestCertificates {
  /** Path of the CA's certificate (PEM): what Node trusts through NODE_EXTRA_CA_CERTS. */
  ca: string
  /** Paths of the leaf certificate and its key (PEM). */
  cert: string
  key: string
  /** Base64 SHA-256 of the leaf's SubjectPublicKeyInfo: Chromium's `--ignore-certificate-errors-spki-list`. */
  spki: string
}

/**
 * Makes a P-256 test CA and a leaf for `ips` and `names` (subjectAltName), valid 2 days, in `dir`.
 * @throws Error when openssl is missing or fails
 */
export function makeCertificates (dir: string, sans: { ips?: string[], names?: string[] } = { ips: ['127.0.0.1'], names: ['relay.test'] }): TestCertificates {
  const ssl = (...args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' }) }
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=Tabmesh test CA', '-keyout', 'ca.key', '-out', 'ca.pem')
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${sans.names?.[0] ?? sans.ips?.[0] ?? 'tabmesh.test'}`, '-keyout', 'leaf.key.pem', '-out', 'leaf.csr')
  const alt = [...(sans.ips ?? []).map(ip => `IP:${ip}`), ...(sans.names ?? []).map(n => `DNS:${n}`)].join(',')
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${alt}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`)
  ssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'leaf.pem')
  const leaf = new X509Certificate(readFileSync(join(dir, 'leaf.pem')))
  const spki = createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('base64')
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'leaf.pem'), key: join(dir, 'leaf.key.pem'), spki }
}

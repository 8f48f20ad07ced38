// The mesh inside the network lab (lab/topology.sh): coturn (STUN/TURN) and a relay serving ws and
// wss (a test CA's certificate) on the "internet" at 203.0.113.10, and a Node provider in each home asked for. Used by the lab's e2e
// (lab/lab.e2e.test.ts) and its benchmark rows (bench/suites/lab.ts); both run inside lab/run.sh.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { tempDir } from '../testing/browser.ts'
import { makeCertificates } from '../testing/certificates.ts'
import type { TestCertificates } from '../testing/certificates.ts'
import { CLI, exit, spawnProc, waitFor } from '../testing/cli-process.ts'
import type { Proc } from '../testing/cli-process.ts'

/** The "internet" host of the relay and coturn (TEST-NET-3, RFC 5737). */
export const PUB = '203.0.113.10'
/** The lab's own namespace on the internet bridge: the test runner (and a web server it starts). */
export const RUNNER = '203.0.113.1'
const TURN_USER = 'lab'
const TURN_PASSWORD = 'lab-turn-secret'
/** `--ice-server` options: the lab's STUN and TURN server. */
export const ICE = ['--ice-server', `stun:${PUB}:3478`, '--ice-server', `turn:${TURN_USER}:${TURN_PASSWORD}@${PUB}:3478?transport=udp`]
/** The same as RTCIceServer entries, for an SDK client. */
export const ICE_SERVERS: RTCIceServer[] = [{ urls: `stun:${PUB}:3478` }, { urls: `turn:${PUB}:3478?transport=udp`, username: TURN_USER, credential: TURN_PASSWORD }]
/** Router WAN address (last octet) by home (lab/topology.sh). */
export const WAN = { a: '21', b: '22', s: '23', r: '24' } as const
export type Home = keyof typeof WAN

/** A process inside a lab namespace. */
export function inNamespace (ns: string, command: string, args: string[], cwd: string): Proc {
  return spawnProc('ip', ['netns', 'exec', ns, command, ...args], cwd)
}

/** Bytes counted by the router of `home` per counter (lab/topology.sh). */
export function counters (home: Home): Record<string, number> {
  const out = execFileSync('ip', ['netns', 'exec', `nat-${home}`, 'iptables', '-L', 'FORWARD', '-nvx'], { encoding: 'utf8' })
  const bytes: Record<string, number> = {}
  for (const line of out.split('\n')) {
    const m = /^\s*\d+\s+(\d+)\s.*\/\* (LAB-[A-Z0-9-]+) \*\//.exec(line)
    if (m !== null) bytes[m[2]!] = Number(m[1])
  }
  return bytes
}

/**
 * How much each counter of `home`'s router grew since `before` (an earlier `counters(home)`), read now.
 * @returns bytes by counter name (0 for a counter never hit)
 */
export function countersGrowth (home: Home, before: Record<string, number>): (counter: string) => number {
  const now = counters(home)
  return counter => (now[counter] ?? 0) - (before[counter] ?? 0)
}

export interface LabMesh {
  /** The relay's ws multiaddr (Node peers). */
  bootstrap: string
  /** The relay's wss multiaddr (`/tls/ws`, port 443): what tabs are given. */
  secureBootstrap: string
  /** The test CA and the leaf for PUB and RUNNER that the relay serves (and a web server may). */
  certificates: TestCertificates
  /** Starts one more `tabmesh provide` (1 worker, the lab's ICE servers) in `home`; stopped with the rest. @returns its peer id */
  addProvider: (home: Home) => Promise<string>
  /** Stops every process (SIGINT) and waits for them. */
  stop: () => Promise<void>
}

/**
 * Starts coturn and the relay (ws on 9090, wss on 443) at PUB, then `tabmesh provide` (1 worker) in each of `homes`.
 * @throws Error when the lab's namespaces are missing (not inside lab/run.sh) or a process does not start in time
 */
export async function startLabMesh (homes: readonly Home[]): Promise<LabMesh> {
  if (process.env.TABMESH_LAB !== '1') throw new Error('the network lab runs inside lab/run.sh (npm run test:lab, npm run bench:lab)')
  const procs: Proc[] = []
  const stop = async (): Promise<void> => {
    for (const p of procs) p.child.kill('SIGINT')
    await Promise.all(procs.map(exit))
  }
  try {
    const pubDir = tempDir('tabmesh-lab-pub-')
    const turn = inNamespace('pub', 'turnserver', ['-n', '--listening-ip', PUB, '--relay-ip', PUB, '--listening-port', '3478', '--lt-cred-mech', '--user', `${TURN_USER}:${TURN_PASSWORD}`, '--realm', 'tabmesh.lab', '--allowed-peer-ip', '203.0.113.0-203.0.113.255', '--no-tls', '--no-dtls', '--no-cli', '--fingerprint', '--min-port', '49152', '--max-port', '49999', '--log-file', 'stdout', '--simple-log', '--pidfile', join(pubDir, 'turnserver.pid'), '--db', join(pubDir, 'turndb')], pubDir)
    procs.push(turn)
    await waitFor(turn, /Total General servers/, 20_000)
    const certificates = makeCertificates(pubDir, { ips: [PUB, RUNNER] })
    const relay = inNamespace('pub', process.execPath, [CLI, 'relay', '--host', PUB, '--port', '9090', '--tls-cert', certificates.cert, '--tls-key', certificates.key, '--tls-port', '443'], pubDir)
    procs.push(relay)
    const pub = PUB.replaceAll('.', '\\.')
    const bootstrap = (await waitFor(relay, new RegExp(`^\\s+(/ip4/${pub}/tcp/9090/ws/p2p/\\S+)$`, 'm'), 30_000))[1]!
    const secureBootstrap = (await waitFor(relay, new RegExp(`^\\s+(/ip4/${pub}/tcp/443/tls/ws/p2p/\\S+)$`, 'm'), 30_000))[1]!
    const addProvider = async (home: Home): Promise<string> => {
      const provider = inNamespace(`home-${home}`, process.execPath, [CLI, 'provide', '--bootstrap', bootstrap, '--workers', '1', ...ICE], tempDir(`tabmesh-lab-${home}-`))
      procs.push(provider)
      return (await waitFor(provider, /^providing as (\S+) with 1 worker/m, 60_000))[1]!
    }
    for (const home of homes) await addProvider(home)
    return { bootstrap, secureBootstrap, certificates, addProvider, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

// The network lab (lab/topology.sh, run by `npm run test:lab` inside lab/run.sh): a relay and a
// STUN/TURN server (coturn) on the "internet", three Node providers in homes behind NATs — two that
// map endpoint-independently (a, b) and one symmetric (s) — and a requester behind a NAT of its own
// (r), with loss on every access link. The routers' counters show which path each connection took.
//
// Not yet: the symmetric home through TURN, reliably. Found so far: (1) the routers answered
// "network unreachable" for other homes' private addresses, which failed libjuice's whole check list
// before trickled candidates arrived — routers now drop them silently, as an ISP does
// (lab/topology.sh); (2) coturn refuses permissions for peers in the documentation range unless
// allowed (`--allowed-peer-ip` below), so no permission for the other side's server-reflexive
// address was ever made. Four lab runs of one task on the symmetric home only: with (1) and libp2p's
// default timeouts it got through on the third dial, 16 s after the first (the answerer connected
// just as the 6 s per-address dial timeout fired; the path was not measured in that run); with 15 s
// and 20 s per-address and upgrade timeouts, and then also with (2), not within 60 s — coturn
// answered 400 Bad Request to a dozen requests per allocation (likely the permission for its own
// relayed address, i.e. the
// relay-to-relay pair). So the job here asks for redundancy 2, which the two cone-NAT homes meet,
// and the test checks that nothing but failed connectivity checks went to the symmetric home directly.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { tempDir } from '../testing/browser.ts'
import { CLI, exit, spawnProc, waitFor } from '../testing/cli-process.ts'
import type { Proc } from '../testing/cli-process.ts'

const PUB = '203.0.113.10'
const TURN_USER = 'lab'
const TURN_PASSWORD = 'lab-turn-secret'
const ICE = ['--ice-server', `stun:${PUB}:3478`, '--ice-server', `turn:${TURN_USER}:${TURN_PASSWORD}@${PUB}:3478?transport=udp`]
const PRIMES = fileURLToPath(new URL('../jobs/primes/build/primes.wasm', import.meta.url))
/** Router WAN addresses by home (lab/topology.sh). */
const WAN = { a: '21', b: '22', s: '23', r: '24' } as const

/** A process inside a lab namespace. */
function inNamespace (ns: string, command: string, args: string[], cwd: string): Proc {
  return spawnProc('ip', ['netns', 'exec', ns, command, ...args], cwd)
}

/** Bytes counted by the router of `home` per counter (lab/topology.sh). */
function counters (home: keyof typeof WAN): Record<string, number> {
  const out = execFileSync('ip', ['netns', 'exec', `nat-${home}`, 'iptables', '-L', 'FORWARD', '-nvx'], { encoding: 'utf8' })
  const bytes: Record<string, number> = {}
  for (const line of out.split('\n')) {
    const m = /^\s*\d+\s+(\d+)\s.*\/\* (LAB-[A-Z0-9-]+) \*\//.exec(line)
    if (m !== null) bytes[m[2]!] = Number(m[1])
  }
  return bytes
}

describe('the network lab: NATs, STUN/TURN, loss', { skip: process.env.TABMESH_LAB !== '1' ? 'run by `npm run test:lab` (lab/run.sh builds the namespaces)' : false }, () => {
  const procs: Proc[] = []
  let bootstrap = ''

  before(async () => {
    const pubDir = tempDir('tabmesh-lab-pub-')
    const turn = inNamespace('pub', 'turnserver', ['-n', '--listening-ip', PUB, '--relay-ip', PUB, '--listening-port', '3478', '--lt-cred-mech', '--user', `${TURN_USER}:${TURN_PASSWORD}`, '--realm', 'tabmesh.lab', '--allowed-peer-ip', '203.0.113.0-203.0.113.255', '--no-tls', '--no-dtls', '--no-cli', '--fingerprint', '--min-port', '49152', '--max-port', '49999', '--log-file', 'stdout', '--simple-log', '--pidfile', join(pubDir, 'turnserver.pid'), '--db', join(pubDir, 'turndb')], pubDir)
    procs.push(turn)
    await waitFor(turn, /Total General servers/, 20_000)
    const relay = inNamespace('pub', process.execPath, [CLI, 'relay', '--host', PUB, '--port', '9090'], pubDir)
    procs.push(relay)
    bootstrap = (await waitFor(relay, new RegExp(`^\\s+(/ip4/${PUB.replaceAll('.', '\\.')}/tcp/9090/ws/p2p/\\S+)$`, 'm'), 30_000))[1]!
    for (const home of ['a', 'b', 's'] as const) {
      const dir = tempDir(`tabmesh-lab-${home}-`)
      const provider = inNamespace(`home-${home}`, process.execPath, [CLI, 'provide', '--bootstrap', bootstrap, '--workers', '1', ...ICE], dir)
      procs.push(provider)
      await waitFor(provider, /^providing as \S+ with 1 worker/m, 60_000)
    }
  })

  after(async () => {
    for (const p of procs) p.child.kill('SIGINT')
    await Promise.all(procs.map(exit))
  })

  it('a requester behind its NAT gets every task right from the providers behind cone NATs, over direct paths found with STUN; the relay carries only signalling', async (t) => {
    const cwd = tempDir('tabmesh-lab-r-')
    // ~900 KB of data every task mounts (under the 1 MiB at which providers would pass it on to
    // each other), so each requester → provider path carries a measurable amount.
    const data = join(cwd, 'data')
    mkdirSync(data)
    const bulk = new Uint8Array(900_000)
    for (let i = 0; i < bulk.length; i++) bulk[i] = (i * 2654435761) >>> 24
    writeFileSync(join(data, 'bulk.bin'), bulk)
    const inputs: string[] = []
    for (let i = 0; i < 6; i++) {
      const file = join(cwd, `range-${i}.txt`)
      writeFileSync(file, `${i * 500_000} ${(i + 1) * 500_000}\n`)
      inputs.push(file)
    }
    const before = { r: counters('r') }
    const submit = inNamespace('home-r', process.execPath, [CLI, 'submit', PRIMES, ...inputs, '--dir', `${data}:/data`, '--redundancy', '2', '--replicate-all', '--bootstrap', bootstrap, ...ICE, '--json', '--timeout', '60000'], cwd)
    assert.equal(await exit(submit), 0, submit.output())
    const lines = submit.output().trim().split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as { index?: number, output?: string, providers?: string[], summary?: boolean })
    const tasks = lines.filter(l => l.summary !== true)
    assert.equal(tasks.length, 6)
    assert.ok(tasks.every(l => l.providers?.length === 2), 'two providers agreed on every task')
    assert.equal(tasks.reduce((n, l) => n + Number(l.output), 0), 216_816, 'π(3·10^6)')

    const r = counters('r')
    const grew = (k: string): number => (r[k] ?? 0) - (before.r[k] ?? 0)
    const path = { toA: grew(`LAB-P2P-${WAN.a}`), toB: grew(`LAB-P2P-${WAN.b}`), toS: grew(`LAB-P2P-${WAN.s}`), turn: grew('LAB-TURN'), relay: grew('LAB-RELAY') }
    t.diagnostic(`requester's router, bytes sent: to a ${path.toA}, to b ${path.toB}, to s directly ${path.toS}, to TURN/STUN ${path.turn}, to the relay (TCP) ${path.relay}`)
    assert.ok(path.toA > bulk.length && path.toB > bulk.length, 'the data went straight to both cone-NAT homes (server-reflexive candidates from STUN)')
    assert.ok(path.toS < 100_000, 'nothing but failed connectivity checks went straight to the symmetric NAT')
    assert.ok(path.turn < bulk.length, 'no data went through TURN (the two direct paths carried it)')
    assert.ok(path.relay < bulk.length / 4, 'the libp2p relay carried signalling and ads, not the job\'s data')
  })
})

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { parseIceServers } from './ice-servers.ts'

it('parses --ice-server: STUN, and TURN with its credential moved out of the URL', () => {
  assert.deepEqual(parseIceServers(['stun:203.0.113.10:3478', 'turn:lab:pa55@203.0.113.10:3478?transport=udp', 'turns:u:p@turn.example.org']), [
    { urls: 'stun:203.0.113.10:3478' },
    { urls: 'turn:203.0.113.10:3478?transport=udp', username: 'lab', credential: 'pa55' },
    { urls: 'turns:turn.example.org', username: 'u', credential: 'p' }
  ])
  assert.deepEqual(parseIceServers(undefined), [])
})

it('names what is wrong with an --ice-server', () => {
  for (const [bad, message] of [
    ['http://x', /expected stun:HOST/],
    ['turn:203.0.113.10', /needs USER:PASSWORD@/],
    ['stun:u:p@host', /takes no credential/],
    ['stun:host:70000', /port 70000/],
    ['turn:u:p@host?transport=sctp', /expected stun:HOST/]
  ] as const) assert.throws(() => parseIceServers([bad]), (err: Error & { code?: string }) => err.code === 'USAGE' && message.test(err.message), bad)
})

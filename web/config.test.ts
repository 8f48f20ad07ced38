import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseConfig } from './config.ts'

describe('/tabmesh.json', () => {
  const bootstrap = ['/dns4/relay.example.org/tcp/443/tls/ws/p2p/12D3KooWLrw7U11gwU9n9HRfxe2w6kX86UwTfr1WyRHg4vtmXiVD']

  it('passes STUN and TURN servers on to the tab', () => {
    const iceServers = [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], username: 'me', credential: 'secret' }]
    assert.deepEqual(parseConfig({ bootstrap, iceServers }), { bootstrap, iceServers })
    assert.deepEqual(parseConfig({ bootstrap }), { bootstrap })
  })

  it('refuses a body without a relay, and ICE servers that are not STUN/TURN entries, naming the field', () => {
    assert.throws(() => parseConfig({}), /names no bootstrap relay/)
    for (const bad of [{ urls: 'http://turn.example.org' }, { urls: [] }, { urls: 'turn:t.example.org', username: 7 }, 'stun:stun.example.org', null]) {
      assert.throws(() => parseConfig({ bootstrap, iceServers: [bad] as never }), /iceServers must be a list/, JSON.stringify(bad))
    }
    assert.throws(() => parseConfig({ bootstrap, iceServers: { urls: 'stun:x' } as never }), /iceServers/)
  })
})

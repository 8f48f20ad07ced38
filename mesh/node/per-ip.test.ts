import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import type { Connection, MultiaddrConnection } from '@libp2p/interface'
import { ipOf, perIpConnectionGate } from './per-ip.ts'

/** Only the fields the gate reads. */
const conn = (addr: string, direction: 'inbound' | 'outbound' = 'inbound'): Pick<Connection, 'remoteAddr' | 'direction'> => ({ remoteAddr: multiaddr(addr), direction })
const incoming = (addr: string): Pick<MultiaddrConnection, 'remoteAddr'> => ({ remoteAddr: multiaddr(addr) })

describe('per-IP connection gate', () => {
  it('reads the IP of ip4/ip6 addresses and nothing else', () => {
    assert.equal(ipOf(multiaddr('/ip4/10.0.0.1/tcp/1/ws')), '10.0.0.1')
    assert.equal(ipOf(multiaddr('/ip6/::1/tcp/1')), '::1')
    assert.equal(ipOf(multiaddr('/memory/abc')), undefined)
  })

  it('denies an address at its cap of open inbound connections, counts only inbound ones, and lets others in', () => {
    const open = [conn('/ip4/10.0.0.1/tcp/1'), conn('/ip4/10.0.0.1/tcp/2'), conn('/ip4/10.0.0.1/tcp/3', 'outbound')]
    const gate = perIpConnectionGate(3)
    gate.attach({ getConnections: () => open })
    assert.equal(gate.deny(incoming('/ip4/10.0.0.1/tcp/4')), false, '2 inbound of 3')
    open.push(conn('/ip4/10.0.0.1/tcp/5'))
    assert.equal(gate.deny(incoming('/ip4/10.0.0.1/tcp/6')), true, 'at the cap')
    assert.equal(gate.deny(incoming('/ip4/10.0.0.2/tcp/6')), false, 'another address')
    open.splice(0, 1)
    assert.equal(gate.deny(incoming('/ip4/10.0.0.1/tcp/7')), false, 'a closed connection frees a place')
  })
})

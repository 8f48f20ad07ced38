import type { Connection, PeerId } from '@libp2p/interface'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { ipOf } from './per-ip.ts'

/**
 * Relay reservations one IP address may hold: 32 — a household or a small office behind one NAT
 * fits, while a flood of throwaway peer ids from one host takes 32 of the relay's slots, not all of
 * them. (circuit relay v2 keys reservations by peer id, so one peer holds at most one.)
 */
export const RESERVATIONS_PER_IP = 32

/** What the gate reads of the relay node. */
export interface ReservationHost {
  getConnections: (peer?: PeerId) => Array<Pick<Connection, 'remoteAddr'>>
  addEventListener: (type: 'peer:disconnect', listener: (event: CustomEvent<PeerId>) => void) => void
  services: { relay?: Pick<CircuitRelayService, 'reservations'> }
}

export interface ReservationGate {
  /** For libp2p's `connectionGater.denyInboundRelayReservation`: true when the peer's IP holds `perIp` reservations already. */
  deny: (peer: PeerId) => boolean
  /** Binds the gate to the relay node, and ends each reservation when its peer's last connection closes. */
  attach: (node: ReservationHost) => void
}

/**
 * Bounds a circuit-relay-v2 server's reservations (libp2p circuit relay v2 spec, "Reservation"): at
 * most `perIp` per IP address, and none outliving its peer's connections — the library keeps a
 * reservation for its whole TTL (2 h), so peers that come and go would otherwise fill every slot.
 * A peer refreshing its own reservation is never refused.
 */
export function reservationGate (perIp: number = RESERVATIONS_PER_IP): ReservationGate {
  let node: ReservationHost | undefined
  const table = (): CircuitRelayService['reservations'] | undefined => node?.services.relay?.reservations
  return {
    deny (peer) {
      const reservations = table()
      if (node === undefined || reservations === undefined || reservations.get(peer) !== undefined) return false
      const ip = node.getConnections(peer).map(c => ipOf(c.remoteAddr)).find(a => a !== undefined)
      if (ip === undefined) return false
      let held = 0
      for (const r of reservations.values()) if (ipOf(r.addr) === ip && ++held >= perIp) return true
      return false
    },
    attach (n) {
      node = n
      n.addEventListener('peer:disconnect', (event) => { table()?.delete(event.detail) })
    }
  }
}

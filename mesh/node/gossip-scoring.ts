import type { PeerScoreParams, PeerScoreThresholds } from '@libp2p/gossipsub/score'

/**
 * Gossipsub peer-scoring parameters for Tabmesh (gossipsub v1.1 spec, "Peer Scoring": P1–P7 and the
 * thresholds), chosen on purpose instead of the library's defaults.
 *
 * **P6, IP colocation: off (weight 0).** The default (−5 × (peers on one IP − 10)², scores of
 * disconnected peers retained for an hour) penalised every peer past the tenth from one address. On
 * the local mesh every peer is 127.0.0.1 and each requester or reloaded tab is a new peer id, so after
 * ten of them the relay scored newcomers below the publish threshold (−50: no ads sent to them) and
 * the graylist threshold (−80: their ads ignored) — the mesh stopped matching work. In the world a
 * campus or carrier NAT puts hundreds of tabs behind one address in the same way. Sybil resistance
 * does not come from ad delivery: a capacity ad buys nothing by itself (paid work needs stake on
 * chain, results need a quorum), and limits per IP live in the connection layer
 * (`MAX_CONNECTIONS_PER_IP`, `INBOUND_CONNECTIONS_PER_IP_PER_SECOND` in mesh/node/create-node.ts).
 *
 * **P1–P4, topic scores: none.** Providers publish without joining the topic mesh (see
 * mesh/ads/publisher.ts), so mesh-delivery counters would only punish them; invalid ads are dropped by
 * the topic validator on every peer.
 *
 * **P7, behaviour penalty: the library's** (−10 × excess², decaying ×0.2 per second): it punishes GRAFT
 * spam and broken IWANT promises, which honest peers do not do.
 *
 * **Retention: 10 min** (default 1 h): long enough that a misbehaving peer cannot shed a P7 penalty by
 * reconnecting at once, short enough that the table of departed peers stays small under churn.
 */
export const MESH_PEER_SCORE_PARAMS: Partial<PeerScoreParams> = {
  IPColocationFactorWeight: 0,
  retainScore: 10 * 60_000
}

/**
 * The thresholds stay the spec's examples (gossip −10, publish −50, graylist −80): with P6 off an
 * honest peer's score is 0, and only P7 can push a peer below them.
 */
export const MESH_PEER_SCORE_THRESHOLDS: Partial<PeerScoreThresholds> = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80
}

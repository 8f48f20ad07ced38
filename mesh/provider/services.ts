import { echo } from '@libp2p/echo'

/**
 * Echo streams one connection may have open: 1. Echo costs the node what the peer sends (no
 * amplification) and each stream ends after the library's 20 s.
 */
const ECHO_STREAMS_PER_CONNECTION = 1

/**
 * libp2p services a provider runs beyond the mesh's own (mesh/node/create-node.ts): `/echo/1.0.0`,
 * the raw round trip on a provider's connection that bench/suites/dispatch.ts divides task dispatch
 * by. Requesters need none (they open the stream), so the SDK does not ship @libp2p/echo.
 *
 * @example
 * const node = await createMeshNode({ profile: 'node', bootstrap, services: providerServices() })
 */
export function providerServices (): Record<string, (components: never) => unknown> {
  return { echo: echo({ maxInboundStreams: ECHO_STREAMS_PER_CONNECTION, maxOutboundStreams: ECHO_STREAMS_PER_CONNECTION }) as (components: never) => unknown }
}

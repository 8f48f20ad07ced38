import { pbStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'

/** A varint length prefix takes at most 10 bytes (libp2p length-prefixed framing, unsigned-varint spec). */
const MAX_VARINT_BYTES = 10

/**
 * Length-prefixed protobuf messages of up to `maxBytes` bytes each on `stream`. libp2p's byte stream
 * aborts any stream whose unread buffer passes 4 MiB unless told otherwise (`maxBufferSize`), below
 * the task and blob caps in mesh/constants.ts — so every Tabmesh protocol opens its streams here,
 * where both limits are one number.
 *
 * @param maxBytes the largest message, bytes; a longer announced length aborts the read unread
 */
export function messageStream (stream: Stream, maxBytes: number): ReturnType<typeof pbStream> {
  return pbStream(stream, { maxDataLength: maxBytes, maxBufferSize: maxBytes + MAX_VARINT_BYTES })
}

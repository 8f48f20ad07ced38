import { pbStream } from '@libp2p/utils'
import type { Stream, StreamCloseEvent } from '@libp2p/interface'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { TabmeshError } from '../../errors/base.ts'

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

/** A protons message codec (mesh/protocol/messages.js), with its decode options (`limits`). */
export interface MessageCodec<T, O> {
  encode: (message: T) => Uint8Array
  decode: (bytes: Uint8Array | Uint8ArrayList, options?: O) => T
}

/** What `readMessages` calls: each message as it is decoded, then once at the end. */
export interface MessageHandlers<T> {
  /** A decoded message; a throw ends the reading with that error (`end` is called with it). */
  message: (message: T) => void
  /** The stream closed (`err` undefined when it closed cleanly) or a message was bad or refused. */
  end: (err?: Error) => void
}

/**
 * Reads length-prefixed protobuf messages from `stream` synchronously, in the stream's own
 * `message` events: every whole message in a chunk is decoded and handed over in that event, with
 * no promise per message. `messageStream`'s reads cost three promises per varint byte and one per
 * message, and on the task path (one small message each way per task) that was 0.1 ms of a
 * 0.3 ms echo round trip on loopback (bench/suites/dispatch.ts); the task sessions read here.
 *
 * Framing as libp2p's length-prefixed streams (unsigned varint length, then the message); a
 * zero-length message is a message (every field at its default).
 *
 * @param maxBytes the largest message, bytes; a longer announced length ends the reading with a
 *   TabmeshError PROTOCOL_VIOLATION before its bytes are buffered
 * @returns stops reading (without calling `end`)
 */
export function readMessages<T, O> (stream: Stream, codec: MessageCodec<T, O>, maxBytes: number, handlers: MessageHandlers<T>, options?: O): () => void {
  const buffer = new Uint8ArrayList()
  let done = false
  const finish = (err?: Error): void => {
    if (done) return
    stop()
    handlers.end(err)
  }
  const onMessage = (evt: { data: Uint8Array | Uint8ArrayList }): void => {
    if (done) return
    buffer.append(evt.data)
    try {
      while (!done && buffer.byteLength > 0) {
        let length: number
        try {
          length = varint.decode(buffer)
        } catch (err) {
          // A prefix cut short by the chunk's end: wait for more, unless it is already too long to be one.
          if (err instanceof RangeError && buffer.byteLength < MAX_VARINT_BYTES) break
          throw new TabmeshError('PROTOCOL_VIOLATION', 'a message length prefix is not a varint')
        }
        if (length > maxBytes) throw new TabmeshError('PROTOCOL_VIOLATION', `a ${length}-byte message, more than the ${maxBytes} allowed`)
        const prefix = varint.encodingLength(length)
        if (buffer.byteLength < prefix + length) break
        const bytes = buffer.subarray(prefix, prefix + length)
        buffer.consume(prefix + length)
        handlers.message(codec.decode(bytes, options))
      }
    } catch (err) {
      finish(err instanceof Error ? err : new Error(String(err)))
    }
  }
  const onClose = (evt: StreamCloseEvent): void => { finish(evt.error) }
  const onRemoteCloseWrite = (): void => { finish() }
  const stop = (): void => {
    done = true
    stream.removeEventListener('message', onMessage)
    stream.removeEventListener('close', onClose)
    stream.removeEventListener('remoteCloseWrite', onRemoteCloseWrite)
  }
  stream.addEventListener('message', onMessage)
  stream.addEventListener('close', onClose)
  stream.addEventListener('remoteCloseWrite', onRemoteCloseWrite)
  return stop
}

/**
 * Sends one length-prefixed protobuf message on `stream` at once (in one `send`: one muxer frame).
 * @returns false when the stream's send buffer is full: wait for its `drain` event before sending more
 */
export function sendMessage<T> (stream: Stream, codec: Pick<MessageCodec<T, unknown>, 'encode'>, message: T): boolean {
  const body = codec.encode(message)
  const framed = new Uint8Array(varint.encodingLength(body.length) + body.length)
  varint.encode(body.length, framed)
  framed.set(body, framed.length - body.length)
  return stream.send(framed)
}

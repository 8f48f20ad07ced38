/**
 * `/tabmesh/cheque/3.0.0`, both halves: one long-lived cheque session per (requester, provider)
 * connection, beside the task session (mesh/protocol/task.ts). No stream is opened per cheque.
 *
 * - The requester sends `ChequeMessage`s, each with a request id (1, 2, …); the provider answers each
 *   with a `ChequeAck` carrying the same id, in the order they came. Cheques are cumulative per lane,
 *   so a requester sends only a lane's newest one (mesh/payment/requester-payments.ts decides when).
 * - What a cheque means and when it is accepted: mesh/payment/provider-payments.ts (`acceptCheque`).
 * - A requester over CHEQUES_PER_PEER_PER_SECOND has its session reset, as a flood of the old
 *   one-stream-per-cheque protocol had its streams refused.
 *
 * Messages: mesh/protocol/messages.proto.
 */
import type { Connection, Stream } from '@libp2p/interface'
import { AbortedError, TabmeshError } from '../../errors/base.ts'
import { CHEQUE_ACK_TIMEOUT_MS, CHEQUE_PROTOCOL, MAX_CHEQUE_MESSAGE_BYTES } from '../constants.ts'
import { messageStream } from '../node/message-stream.ts'
import { ChequeAck, ChequeMessage } from './messages.js'

type MessageStream = ReturnType<typeof messageStream>

/** Request ids wrap below 2^32 (protobuf uint32); 0 is never used. */
const MAX_REQUEST_ID = 0xffff_ffff

/** A cheque as the requester hands it to its session: the session numbers it. */
export type ChequeSessionMessage = Omit<ChequeMessage, 'id'>

/** The cheque session closed (the provider went away or reset it) before the cheque was acknowledged. */
export class ChequeSessionClosedError extends TabmeshError {
  constructor (peer: string, cause?: unknown) {
    super('PROVIDER_LOST', `the cheque session with ${peer} closed`, { cause })
  }
}

// ————————————————————————————————————————— requester half —————————————————————————————————————————

/**
 * The requester's end of a cheque session with one provider.
 *
 * @example
 * const session = await openChequeSession(connection, { signal })
 * const ack = await session.send({ jobId, cumulativeAmount: '1000', signature, final: false, requester, owner })
 */
export class ChequeSession {
  readonly peer: string
  readonly connection: Connection
  private readonly stream: Stream
  private readonly pb: MessageStream
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (ack: ChequeAck) => void, reject: (err: Error) => void }>()
  private closedWith: Error | undefined

  constructor (connection: Connection, stream: Stream) {
    this.peer = connection.remotePeer.toString()
    this.connection = connection
    this.stream = stream
    this.pb = messageStream(stream, MAX_CHEQUE_MESSAGE_BYTES)
    void this.readLoop()
  }

  /** Why the session closed, or undefined while it is open. */
  get closed (): Error | undefined { return this.closedWith }

  /**
   * Sends one cheque and waits for its acknowledgement (a refusal is an answer: `ok` false).
   * @param options.signal stops waiting (the cheque may still reach the provider); default timeout
   *   CHEQUE_ACK_TIMEOUT_MS
   * @throws ChequeSessionClosedError when the session ends first; the signal's reason (AbortedError
   *   by default, or a TimeoutError) when it fires
   */
  async send (cheque: ChequeSessionMessage, options: { signal?: AbortSignal } = {}): Promise<ChequeAck> {
    if (this.closedWith !== undefined) throw this.closedWith
    const signal = options.signal ?? AbortSignal.timeout(CHEQUE_ACK_TIMEOUT_MS)
    signal.throwIfAborted()
    const id = this.nextId
    this.nextId = id === MAX_REQUEST_ID ? 1 : id + 1
    const answer = new Promise<ChequeAck>((resolve, reject) => { this.pending.set(id, { resolve, reject }) })
    answer.catch(() => {}) // it may be rejected (the session closed) while the write is under way; awaited below
    const onAbort = (): void => {
      const entry = this.pending.get(id)
      if (entry === undefined) return
      this.pending.delete(id)
      entry.reject(signal.reason instanceof Error ? signal.reason : new AbortedError())
    }
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      // Writes are not interleaved: pbStream writes each message whole, in call order.
      await this.pb.write({ ...cheque, id }, ChequeMessage).catch((err: unknown) => { this.close(new ChequeSessionClosedError(this.peer, err)) })
      return await answer
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  /** Ends the session: pending cheques are rejected with `reason`. */
  close (reason: Error = new ChequeSessionClosedError(this.peer)): void {
    if (this.closedWith !== undefined) return
    this.closedWith = reason
    for (const entry of this.pending.values()) entry.reject(reason)
    this.pending.clear()
    this.stream.abort(reason)
  }

  private async readLoop (): Promise<void> {
    try {
      for (;;) {
        const ack = await this.pb.read(ChequeAck)
        const entry = this.pending.get(ack.id)
        if (entry === undefined) continue // given up on meanwhile
        this.pending.delete(ack.id)
        entry.resolve(ack)
      }
    } catch (err) {
      this.close(new ChequeSessionClosedError(this.peer, err))
    }
  }
}

/**
 * Opens a cheque session on `connection` (a direct one: cheques never travel over a relayed link).
 * @throws the stream's error when the provider does not speak CHEQUE_PROTOCOL or the signal fires
 */
export async function openChequeSession (connection: Connection, options: { signal?: AbortSignal } = {}): Promise<ChequeSession> {
  const stream = await connection.newStream(CHEQUE_PROTOCOL, options)
  return new ChequeSession(connection, stream)
}

/**
 * A requester's cheque sessions, one per connection, shared by all its lanes; a closed session (or
 * one on a closed connection) is forgotten and the next `send` opens a new one.
 */
export class ChequeSessions {
  private readonly sessions = new WeakMap<Connection, Promise<ChequeSession>>()

  /**
   * Sends `cheque` on `connection`'s session, opening it if needed.
   * @throws as `openChequeSession` and `ChequeSession.send`
   */
  async send (connection: Connection, cheque: ChequeSessionMessage, options: { signal?: AbortSignal } = {}): Promise<ChequeAck> {
    let opening = this.sessions.get(connection)
    const open = opening !== undefined ? await opening.catch(() => undefined) : undefined
    if (open === undefined || open.closed !== undefined) {
      opening = openChequeSession(connection, options)
      this.sessions.set(connection, opening)
      opening.catch(() => { if (this.sessions.get(connection) === opening) this.sessions.delete(connection) })
    }
    return await (await opening!).send(cheque, options)
  }
}

// —————————————————————————————————————————— provider half ——————————————————————————————————————————

export interface ChequeSessionServerOptions {
  /**
   * Checks and keeps one cheque; a refusal is an answer (`ok` false, `error` says why), so this
   * should not throw — a throw is answered as a refusal with its message.
   */
  accept: (cheque: ChequeMessage, connection: Connection) => Promise<Omit<ChequeAck, 'id'>>
  /**
   * Counts one cheque from `peer`; throws past the peer's rate (the session is then reset).
   * @example peerRateLimit(CHEQUE_PROTOCOL, CHEQUES_PER_PEER_PER_SECOND).take
   */
  take: (peer: string) => void
}

/**
 * The provider's end: answers each cheque of a session in order.
 *
 * @example
 * const server = new ChequeSessionServer({ accept, take: limit.take })
 * await node.handle(CHEQUE_PROTOCOL, (stream, connection) => { server.handle(stream, connection) }, { maxInboundStreams: CHEQUE_SESSIONS_PER_CONNECTION })
 */
export class ChequeSessionServer {
  private readonly options: ChequeSessionServerOptions
  private readonly streams = new Set<Stream>()

  constructor (options: ChequeSessionServerOptions) {
    this.options = options
  }

  /** Sessions open now. */
  get size (): number { return this.streams.size }

  /** Serves one inbound session until it ends. */
  handle (stream: Stream, connection: Connection): void {
    this.streams.add(stream)
    void this.serve(stream, connection).finally(() => { this.streams.delete(stream) })
  }

  /** Resets every open session. */
  stop (): void {
    for (const stream of this.streams) stream.abort(new TabmeshError('PROVIDER_STOPPED', 'the provider stopped'))
    this.streams.clear()
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const pb = messageStream(stream, MAX_CHEQUE_MESSAGE_BYTES)
    const peer = connection.remotePeer.toString()
    try {
      for (;;) {
        const cheque = await pb.read(ChequeMessage)
        this.options.take(peer)
        let ack: Omit<ChequeAck, 'id'>
        try {
          ack = await this.options.accept(cheque, connection)
        } catch (err) {
          ack = { ok: false, error: err instanceof Error ? err.message : String(err), held: '0' }
        }
        await pb.write({ ...ack, id: cheque.id }, ChequeAck)
      }
    } catch (err) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}

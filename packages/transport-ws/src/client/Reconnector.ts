import { isRuntimeError, type RuntimeError, Unavailable } from "@coderclaw/protocol"
import type { ClientConnection } from "./ClientConnection.js"
import { ReconnectBackoff, reconnectSchedule } from "./reconnectSchedule.js"
import { defaultGiveUpAfterMs, type ReconnectOptions } from "./WsClientOptions.js"

/** What the reconnector needs from the client's open streams. */
export interface ReconnectorHost {
  /** Opens a new connection (throws when no attempt can ever succeed: no WebSocket, a refused URL). */
  open(): ClientConnection
  /** Whether a stream is open: only then is a lost connection replaced without being asked. */
  streamsOpen(): boolean
  /** A new connection is being opened: server-side ids of the previous one mean nothing any more. */
  connecting(): void
  /** Ends every open stream with `error` (fatal refusal, give-up, close). */
  failStreams(error: RuntimeError): void
}

/** Errors after which reconnecting with the same settings cannot help. */
const isFatal = (error: RuntimeError): boolean =>
  error._tag === "Unauthenticated" || error._tag === "UnsupportedProtocolVersion" || error._tag === "InvalidRequest"

/** The error of anything asked of a client after `close()`. */
export const clientClosed = (): Unavailable => new Unavailable({ reason: "this client is closed" })

/**
 * The client's one connection over time: opens it on demand, and after a loss plans the next attempt on
 * the reconnect schedule while a stream (or a call waiting for a connection) needs one, until the give-up
 * time or the attempt limit; idle clients do not reconnect until they are used again. A refusal that
 * cannot change (bad credentials, no shared protocol version) stops it for good.
 */
export class Reconnector {
  private connection: ClientConnection | undefined
  private pending: Promise<ClientConnection> | undefined
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private retryWaiters: Array<{ resolve(connection: ClientConnection): void; reject(error: RuntimeError): void }> = []
  private readonly backoff: ReconnectBackoff
  /** When the client started to want a connection it could not get (`undefined` while connected or idle). */
  private outageSince: number | undefined
  private isClosed = false
  private fatal: RuntimeError | undefined

  constructor(
    private readonly url: string,
    private readonly options: ReconnectOptions | undefined,
    private readonly host: ReconnectorHost
  ) {
    this.backoff = new ReconnectBackoff(reconnectSchedule(options))
  }

  /** The current connection, open or opening. */
  get current(): ClientConnection | undefined {
    return this.connection
  }

  /** Whether `close` was called. */
  get closed(): boolean {
    return this.isClosed
  }

  /** Whether no connection will ever be attempted again (closed, or refused for good). */
  get stopped(): boolean {
    return this.isClosed || this.fatal !== undefined
  }

  /** An open connection: the current one, the attempt under way, the next planned one, or a new attempt. */
  ensureConnection(): Promise<ClientConnection> {
    if (this.isClosed) return Promise.reject(clientClosed())
    if (this.fatal !== undefined) return Promise.reject(this.fatal)
    if (this.connection?.state === "open") return Promise.resolve(this.connection)
    if (this.pending !== undefined) return this.pending
    if (this.retryTimer !== undefined)
      return new Promise((resolve, reject) => {
        this.retryWaiters.push({ resolve, reject })
      })
    return this.connect()
  }

  /** The handshake of `connection` succeeded: the outage (if any) is over. */
  opened(): void {
    this.backoff.reset()
    this.outageSince = undefined
  }

  /** `lost` ended. Answers whether it was the current connection (a replaced one is ignored). */
  release(lost: ClientConnection): boolean {
    if (lost !== this.connection) return false
    this.connection = undefined
    return true
  }

  /**
   * Continues after `release` answered true and the streams were detached: after a fatal close the client
   * stops, otherwise it plans a reconnection if a stream needs one.
   */
  afterLoss(fatalClose: boolean): void {
    if (fatalClose) {
      this.fatal = new Unavailable({ reason: "the server refused this client; it will not reconnect" })
      this.host.failStreams(this.fatal)
    } else if (this.host.streamsOpen()) this.scheduleReconnect()
  }

  /** Stops for good: the planned attempt is dropped, waiting calls and open streams fail, the connection closes. */
  close(): void {
    if (this.isClosed) return
    this.isClosed = true
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    for (const waiter of this.retryWaiters.splice(0)) waiter.reject(clientClosed())
    this.host.failStreams(clientClosed())
    this.connection?.close(clientClosed())
    this.connection = undefined
  }

  /**
   * Opens a connection. The returned promise may have no consumer (a reconnection nobody awaits), so its
   * rejection is marked handled here; every consumer that does await it handles the error itself.
   */
  connect(): Promise<ClientConnection> {
    let opening: ClientConnection
    try {
      opening = this.host.open()
    } catch (error) {
      // No WebSocket implementation, or a URL the implementation refuses: no attempt can ever succeed.
      const fatal = isRuntimeError(error)
        ? error
        : new Unavailable({ reason: `cannot connect to ${this.url}: ${error}` })
      this.fatal = fatal
      this.host.failStreams(fatal)
      const refused = Promise.reject(fatal)
      refused.catch(() => undefined)
      return refused
    }
    this.connection = opening
    this.host.connecting()
    const attempt = opening.ready.then(
      () => {
        if (this.pending === attempt) this.pending = undefined
        return opening
      },
      (error: RuntimeError) => {
        if (this.pending === attempt) this.pending = undefined
        if (this.connection === opening) this.connection = undefined
        if (isFatal(error)) {
          this.fatal = error
          this.host.failStreams(error)
        }
        this.scheduleReconnect()
        throw error
      }
    )
    attempt.catch(() => undefined)
    this.pending = attempt
    return attempt
  }

  /** Ends every open stream (and call waiting for a connection) because the outage lasted too long. */
  private giveUp(reason: string): void {
    this.backoff.reset()
    this.outageSince = undefined
    const error = new Unavailable({ reason })
    for (const waiter of this.retryWaiters.splice(0)) waiter.reject(error)
    this.host.failStreams(error)
  }

  /** Plans the next attempt after a failed one or a loss, on the reconnect schedule. */
  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer !== undefined || this.pending !== undefined) return
    if (!this.host.streamsOpen() && this.retryWaiters.length === 0) {
      this.backoff.reset()
      this.outageSince = undefined
      return
    }
    const now = Date.now()
    this.outageSince ??= now
    const giveUpAfterMs = this.options?.giveUpAfterMs ?? defaultGiveUpAfterMs
    const remainingMs = this.outageSince + giveUpAfterMs - now
    const failedAttempts = this.backoff.attempts
    const delayMs = remainingMs > 0 ? this.backoff.next() : undefined
    if (delayMs === undefined) {
      this.giveUp(
        `no connection to ${this.url} for ${now - this.outageSince} ms (${failedAttempts} failed attempts); gave up reconnecting`
      )
      return
    }
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined
        const waiters = this.retryWaiters
        this.retryWaiters = []
        const attempt = this.connect()
        for (const waiter of waiters) attempt.then(waiter.resolve, waiter.reject)
      },
      Math.min(delayMs, remainingMs)
    )
  }
}

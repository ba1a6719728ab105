import {
  type ConnectParams,
  clientNonceParameter,
  closeCodes,
  type HelloResult,
  isRuntimeError,
  type JsonRpcErrorObject,
  MIN_SUPPORTED_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  type RuntimeError,
  type ServerProof,
  Timeout,
  Unavailable
} from "@coderclaw/protocol"
import { Result } from "effect"
import { parseJson } from "../internal/parseJson.js"
import { ConnectionLost } from "./ConnectionLost.js"
import { errorFromWire } from "./errorFromWire.js"
import type { WebSocketLike, WsClientOptions } from "./WsClientOptions.js"

/** Callbacks for a pending request; called synchronously when its answer frame is read. */
export interface RequestHandlers {
  resolve(result: unknown): void
  reject(error: RuntimeError): void
}

/** What a connection reports to its client. */
export interface ConnectionEvents {
  /** The handshake succeeded. Runs before `ready` resolves, so subscriptions are restored first. */
  onOpen(connection: ClientConnection, hello: HelloResult): void
  /** A server notification other than the challenge. */
  onNotification(connection: ClientConnection, method: string, params: unknown): void
  /** An open connection ended. `fatal` when reconnecting with the same settings cannot succeed. */
  onLost(connection: ClientConnection, fatal: boolean): void
}

interface Pending extends RequestHandlers {
  readonly timer: ReturnType<typeof setTimeout>
}

interface Frame {
  readonly id?: unknown
  readonly method?: unknown
  readonly params?: unknown
  readonly result?: unknown
  readonly error?: JsonRpcErrorObject
}

const fatalCloseCodes = new Set<number>(
  Object.values(closeCodes)
    .filter((entry) => !entry.retry && entry.code !== closeCodes.normal.code)
    .map((entry) => entry.code)
)

const unref = (timer: ReturnType<typeof setTimeout>): void => {
  // Node timers would keep a process alive for an idle client; browsers have no `unref`.
  ;(timer as { unref?: () => void }).unref?.()
}

/** The challenge's server proof when it has the proof's shape; the checker verifies the rest. */
const proofOf = (params: unknown): ServerProof | undefined => {
  const server = (params as { readonly server?: unknown } | undefined)?.server
  if (typeof server !== "object" || server === null) return undefined
  const { algorithm, keyId, publicKey, signature } = server as Record<string, unknown>
  return algorithm === "ed25519" &&
    typeof keyId === "string" &&
    typeof publicKey === "string" &&
    typeof signature === "string"
    ? { algorithm, keyId, publicKey, signature }
    : undefined
}

/** 32 random bytes, base64url without padding. */
const randomNonce = (): string => {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "")
}

const withClientNonce = (url: string, nonce: string): string => {
  const parsed = new URL(url)
  parsed.searchParams.set(clientNonceParameter, nonce)
  return parsed.toString()
}

/**
 * One WebSocket connection of the client: answers the challenge with `connect`, then carries requests and
 * routes notifications. Everything after it ends is the client's business (reconnecting, resubscribing).
 */
export class ClientConnection {
  state: "connecting" | "open" | "closed" = "connecting"
  /** Resolves with the server's hello, or rejects with why the connection could not be opened. */
  readonly ready: Promise<HelloResult>
  private settleReady: { resolve(hello: HelloResult): void; reject(error: RuntimeError): void } | undefined
  private readonly socket: WebSocketLike
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private handshakeError: RuntimeError | undefined
  private readonly timers: Array<ReturnType<typeof setTimeout>> = []
  /** This connection's nonce for the server's identity proof. */
  private readonly clientNonce = randomNonce()

  constructor(
    private readonly options: WsClientOptions,
    private readonly events: ConnectionEvents
  ) {
    this.ready = new Promise<HelloResult>((resolve, reject) => {
      this.settleReady = { resolve, reject }
    })
    // The rejection is also delivered to whoever awaits `ready`; this keeps an unawaited one from surfacing.
    this.ready.catch(() => undefined)
    const Constructor = options.WebSocket ?? (globalThis as { WebSocket?: WsClientOptions["WebSocket"] }).WebSocket
    if (Constructor === undefined) throw new Unavailable({ reason: "no WebSocket implementation: pass one" })
    this.socket = new Constructor(
      options.serverIdentity === undefined ? options.url : withClientNonce(options.url, this.clientNonce)
    )
    this.socket.onmessage = ((event: { readonly data: unknown }) => this.onMessage(event.data)) as never
    this.socket.onclose = ((event: { readonly code: number; readonly reason: string }) =>
      this.onClosed(event.code, event.reason)) as never
    // An error is always followed by a close event, which does the work.
    this.socket.onerror = (() => undefined) as never
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000
    this.timer(connectTimeoutMs, () => {
      if (this.state === "connecting")
        this.abandon(new Unavailable({ reason: `no connection to ${options.url} within ${connectTimeoutMs} ms` }))
    })
  }

  /**
   * Sends a request; the handlers run when its answer arrives, or with `Timeout` after `timeoutMs`, or with
   * a connection-lost `Unavailable` if the connection ends first. Returns a function that forgets it.
   */
  request(method: string, params: unknown, timeoutMs: number, handlers: RequestHandlers): () => void {
    if (this.state === "closed") {
      handlers.reject(new ConnectionLost())
      return () => undefined
    }
    const id = this.nextId++
    const timer = setTimeout(() => {
      this.pending.delete(id)
      handlers.reject(new Timeout({ operation: method, timeoutMs }))
    }, timeoutMs)
    unref(timer)
    this.pending.set(id, { ...handlers, timer })
    try {
      this.socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }))
    } catch {
      // A socket that is closing throws (`ws`) or drops the frame (browsers); either way the answer will
      // never come, and the close event that follows repairs the connection.
      clearTimeout(timer)
      this.pending.delete(id)
      handlers.reject(new ConnectionLost())
      return () => undefined
    }
    return () => {
      clearTimeout(timer)
      this.pending.delete(id)
    }
  }

  /** Closes the connection; pending requests reject with `error`. */
  close(error: RuntimeError): void {
    if (this.state === "closed") return
    this.teardown(error, false)
    this.socket.close(closeCodes.normal.code, "client closed")
  }

  /** Gives the connection up now (a missed heartbeat, a timeout) without waiting for a close handshake. */
  abandon(error: RuntimeError): void {
    if (this.state === "closed") return
    const wasOpen = this.state === "open"
    this.teardown(error, wasOpen)
    if (wasOpen) this.events.onLost(this, false)
    this.socket.close(closeCodes.heartbeatTimeout.code, "client gave up the connection")
  }

  private timer(ms: number, run: () => void): void {
    const timer = setTimeout(run, ms)
    unref(timer)
    this.timers.push(timer)
  }

  private teardown(error: RuntimeError, lost: boolean): void {
    this.state = "closed"
    for (const timer of this.timers) clearTimeout(timer)
    const pending = [...this.pending.values()]
    this.pending.clear()
    for (const entry of pending) {
      clearTimeout(entry.timer)
      entry.reject(lost ? new ConnectionLost() : error)
    }
    this.settleReady?.reject(error)
    this.settleReady = undefined
    this.socket.onmessage = null
    this.socket.onclose = null
  }

  private onClosed(code: number, reason: string): void {
    if (this.state === "closed") return
    const wasOpen = this.state === "open"
    const error =
      this.handshakeError ??
      new Unavailable({
        reason: `connection to ${this.options.url} closed (${code}${reason === "" ? "" : ` ${reason}`})`
      })
    this.teardown(error, wasOpen)
    if (wasOpen) this.events.onLost(this, fatalCloseCodes.has(code))
  }

  private onMessage(data: unknown): void {
    if (typeof data !== "string") return
    const parsed = parseJson(data)
    if (Result.isFailure(parsed) || typeof parsed.success !== "object" || parsed.success === null) return
    const frame = parsed.success as Frame
    if (typeof frame.method === "string" && frame.id === undefined) {
      if (frame.method === "connect.challenge")
        this.answerChallenge(frame.params).catch((error: unknown) =>
          // A credentials function or device signer that throws: this attempt fails like any other.
          this.abandon(
            isRuntimeError(error)
              ? error
              : new Unavailable({ reason: `could not prepare the credentials: ${String(error)}` })
          )
        )
      else this.events.onNotification(this, frame.method, frame.params)
      return
    }
    if (typeof frame.id !== "number") return
    const entry = this.pending.get(frame.id)
    if (entry === undefined) return
    this.pending.delete(frame.id)
    clearTimeout(entry.timer)
    if (frame.error !== undefined) entry.reject(errorFromWire(frame.error))
    else entry.resolve(frame.result)
  }

  private async answerChallenge(params: unknown): Promise<void> {
    const nonce = (params as { readonly nonce?: unknown } | undefined)?.nonce
    if (typeof nonce !== "string" || this.state !== "connecting") return
    if (this.options.serverIdentity !== undefined) {
      const refused = this.options.serverIdentity.check(proofOf(params), nonce, this.clientNonce)
      if (refused !== undefined) {
        // Nothing was sent: the credentials never reach a server that did not prove the expected key.
        this.handshakeError = refused
        this.close(refused)
        return
      }
    }
    const { credentials, device, protocol, clientInfo } = this.options
    const connect: ConnectParams = {
      protocol: protocol ?? { min: MIN_SUPPORTED_PROTOCOL_VERSION, max: PROTOCOL_VERSION },
      credentials: typeof credentials === "function" ? await credentials() : credentials,
      ...(device === undefined ? {} : { device: await device(nonce) }),
      ...(clientInfo === undefined ? {} : { client: clientInfo })
    }
    if (this.state !== "connecting") return
    this.request("connect", connect, this.options.connectTimeoutMs ?? 10_000, {
      resolve: (result) => this.opened(result as HelloResult),
      reject: (error) => {
        // The server closes right after refusing; the close event reports this error to `ready`.
        this.handshakeError = error
      }
    })
  }

  private opened(hello: HelloResult): void {
    if (this.state !== "connecting") return
    this.state = "open"
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.length = 0
    this.heartbeat(hello.heartbeatIntervalMs)
    this.events.onOpen(this, hello)
    this.settleReady?.resolve(hello)
    this.settleReady = undefined
  }

  /**
   * Browsers cannot see WebSocket pings, so the client checks the connection itself: a `connection.ping`
   * per interval that must be answered within the interval, or the connection is given up and replaced.
   */
  private heartbeat(intervalMs: number): void {
    this.timer(intervalMs, () => {
      if (this.state !== "open") return
      this.request("connection.ping", {}, intervalMs, {
        resolve: () => this.heartbeat(intervalMs),
        reject: (error) => {
          if (error._tag === "Timeout") this.abandon(new Unavailable({ reason: "heartbeat missed" }))
        }
      })
    })
  }
}

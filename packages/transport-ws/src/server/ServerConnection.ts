import type { IncomingMessage } from "node:http"
import {
  type Authenticated,
  type CloseCodeName,
  clientNonceParameter,
  clientNoncePattern,
  closeCodes,
  type JsonRpcId,
  jsonRpcErrorCodes,
  type Principal,
  type RuntimeError
} from "@coderclaw/protocol"
import type { Authenticator, AuthenticatorShape, AuthorizerShape, Runtime, RuntimeShape } from "@coderclaw/runtime"
import { Effect, type Fiber, Result } from "effect"
import { type RawData, WebSocket } from "ws"
import { callHandlers, isCallMethod } from "./callHandlers.js"
import { corkForTick } from "./corkForTick.js"
import { errorOf, serverShuttingDown } from "./errorOf.js"
import { badMessage, failureFrame, notificationFrame, successFrame } from "./frames.js"
import { type AdmittedConnect, admitFirstFrame } from "./handshake/admission.js"
import { authenticate } from "./handshake/authentication.js"
import { challengeFrame } from "./handshake/challenge.js"
import type { HandshakeContext, HandshakeRejected } from "./handshake/HandshakeContext.js"
import { helloFrame } from "./handshake/hello.js"
import { negotiateVersion } from "./handshake/version.js"
import { admitRequest } from "./request/admitRequest.js"
import type { RequestContext, RequestRejected } from "./request/RequestContext.js"
import { RequestIdWindow } from "./request/RequestIdWindow.js"
import { withRequestSpan } from "./requestSpan.js"
import { type SubscribeParams, SubscriptionPumps } from "./SubscriptionPumps.js"
import { TokenBucket } from "./TokenBucket.js"
import type { ConnectionClosed, ServerIdentitySigner, WsLimits } from "./WsServerOptions.js"
import { isWorkerCallMethod, type WorkerSide, workerCalls } from "./workerCalls.js"

/** What a connection needs from its server: a way to run effects, the runtime, and the optional authorizer. */
export interface ConnectionServices {
  readonly runFork: <A, E>(effect: Effect.Effect<A, E, Runtime | Authenticator>) => Fiber.Fiber<A, E>
  readonly runtime: RuntimeShape
  readonly authorizer: AuthorizerShape | undefined
  readonly authenticator: AuthenticatorShape
  readonly limits: WsLimits
  readonly serverIdentity?: ServerIdentitySigner | undefined
  readonly onClosed: (connection: ServerConnection, closed: ConnectionClosed) => void
  /** The connection from `address` finished `connect`: it no longer counts as unauthenticated. */
  readonly onAuthenticated: (address: string) => void
  /** The connection from `address` ended before `connect` succeeded. */
  readonly onClosedBeforeAuthentication: (address: string) => void
}

/** How long a closing connection may take to finish the close handshake before its socket is destroyed. */
const closeGraceMs = 1_000

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)

/**
 * One WebSocket connection: the handshake (challenge, admission, version, authentication, hello), then
 * JSON-RPC calls and subscriptions as the authenticated principal, under the connection's limits.
 */
export class ServerConnection {
  readonly id: string
  /** Cleared by each heartbeat ping, set by the pong; a connection still cleared at the next ping is dead. */
  alive = true
  private readonly handshake: HandshakeContext
  private state: "handshake" | "authenticating" | "open" | "closing" | "closed" = "handshake"
  private principal: Principal | undefined
  /** The request pipeline's state: the id window and the rate bucket (see `request/`). */
  private readonly requests: RequestContext
  /** Malformed frames spend from this budget; an empty budget closes the connection (4012). */
  private readonly badFrames: TokenBucket
  /** The peer address, counted by the server among unauthenticated connections until `connect` succeeds. */
  private readonly address: string
  /** The authenticator's check that this connection's session is still live; a no-op until `open`. */
  private sessionCheck: Effect.Effect<void, RuntimeError> = Effect.void
  private readonly calls = new Set<Fiber.Fiber<unknown, unknown>>()
  private readonly pumps: SubscriptionPumps
  /** Why the server closed, reported even when the socket had to be destroyed and saw no close frame. */
  private closing: { readonly code: number; readonly reason: string } | undefined
  private readonly timers: Array<ReturnType<typeof setTimeout>> = []
  /** Holds this tick's outgoing frames so they leave in one write (see `corkForTick`). */
  private readonly cork: () => void
  /** Set once the connection calls a `worker.*` method: its side as a remote worker. */
  private worker: WorkerSide | undefined

  constructor(
    private readonly socket: WebSocket,
    request: IncomingMessage,
    private readonly services: ConnectionServices,
    id: string,
    nonce: string
  ) {
    this.id = id
    const { limits } = services
    this.requests = {
      limits,
      ids: new RequestIdWindow(),
      bucket: new TokenBucket(limits.requestsPerSecond, limits.requestBurst)
    }
    this.pumps = new SubscriptionPumps({
      runFork: services.runFork,
      runtime: services.runtime,
      maxSubscriptions: limits.maxSubscriptions,
      send: (frame) => this.send(frame),
      answer: (requestId, frame) => this.answer(requestId, frame),
      sessionCheck: () => this.sessionCheck,
      sessionEnded: (error) => this.sessionEnded(error)
    })
    this.badFrames = new TokenBucket(limits.badFramesPerSecond, limits.badFrameBurst)
    this.address = request.socket.remoteAddress ?? "unknown"
    // The upgraded request's socket is the one `ws` writes the frames to.
    this.cork = corkForTick(request.socket)
    const origin = request.headers.origin
    const remoteAddress = request.socket.remoteAddress
    const clientNonce = new URL(request.url ?? "/", "http://localhost").searchParams.get(clientNonceParameter)
    this.handshake = {
      connectionId: id,
      nonce,
      ...(clientNonce !== null && clientNoncePattern.test(clientNonce) ? { clientNonce } : {}),
      ...(services.serverIdentity === undefined ? {} : { serverIdentity: services.serverIdentity }),
      limits,
      phase: "challenge",
      ...(origin === undefined ? {} : { origin }),
      ...(remoteAddress === undefined ? {} : { remoteAddress })
    }
    socket.on("message", (data) => this.onMessage(toBuffer(data)))
    socket.on("pong", () => {
      this.alive = true
    })
    socket.on("close", (code, reason) => this.onClose(code, reason.toString("utf8")))
    // Errors are followed by `close`; listening keeps them from being thrown as unhandled.
    socket.on("error", () => undefined)
    this.timers.push(
      setTimeout(() => {
        if (this.state === "handshake") this.close("handshakeTimeout", "no connect request in time")
      }, limits.handshakeTimeoutMs)
    )
    this.send(challengeFrame(this.handshake))
  }

  /** Ends the connection with one of the protocol's close codes; its socket is destroyed after a grace period. */
  close(name: CloseCodeName, reason: string): void {
    if (this.state === "closing" || this.state === "closed") return
    this.state = "closing"
    this.closing = { code: closeCodes[name].code, reason: reason.slice(0, 120) }
    this.socket.close(this.closing.code, this.closing.reason)
    const force = setTimeout(() => this.socket.terminate(), closeGraceMs)
    force.unref()
    this.timers.push(force)
  }

  /** Destroys the socket at once (heartbeat missed: the peer cannot answer a close handshake). */
  terminate(): void {
    this.socket.terminate()
  }

  /** Sends a WebSocket ping; see `alive`. */
  ping(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping()
  }

  /** Whether the connection finished its handshake and was not closed. */
  get isOpen(): boolean {
    return this.state === "open"
  }

  private send(frame: string): undefined {
    if (this.socket.readyState !== WebSocket.OPEN) return
    this.cork()
    this.socket.send(frame)
    // `send` never blocks: it queues. A peer that does not read makes the queue grow, so past the cap the
    // connection is dropped instead of holding memory or slowing anyone else.
    if (this.socket.bufferedAmount > this.services.limits.maxOutboundBytes)
      this.close("slowConsumer", `slow consumer: over ${this.services.limits.maxOutboundBytes} bytes unread`)
  }

  private onMessage(data: Buffer): undefined {
    if (this.state === "open") this.onRequestFrame(data)
    else if (this.state === "handshake") this.onFirstFrame(data)
    else if (this.state === "authenticating")
      this.reject({
        requestId: null,
        error: badMessage("wait for the connect result before sending requests"),
        close: "expectedConnect",
        jsonRpcCode: jsonRpcErrorCodes.invalidRequest
      })
  }

  private reject(rejected: HandshakeRejected): undefined {
    this.send(failureFrame(rejected.requestId, rejected.error, rejected.jsonRpcCode))
    this.close(rejected.close, rejected.error.message)
  }

  private onFirstFrame(data: Buffer): undefined {
    const admitted = admitFirstFrame(this.handshake, data)
    if (Result.isFailure(admitted)) return this.reject(admitted.failure)
    const version = negotiateVersion(this.handshake, admitted.success)
    if (Result.isFailure(version)) return this.reject(version.failure)
    this.state = "authenticating"
    this.services.runFork(
      authenticate(this.handshake, admitted.success).pipe(
        Effect.match({
          onFailure: (rejected) => this.reject(rejected),
          onSuccess: (authenticated) => this.open(admitted.success, version.success, authenticated)
        })
      )
    )
  }

  private open(admitted: AdmittedConnect, protocolVersion: number, authenticated: Authenticated): void {
    if (this.state !== "authenticating") return
    const principal = authenticated.principal
    this.principal = principal
    this.state = "open"
    this.services.onAuthenticated(this.address)
    const check = this.services.authenticator.check
    if (check !== undefined) this.sessionCheck = check(principal)
    this.send(helloFrame(this.handshake, admitted, protocolVersion, authenticated))
  }

  /**
   * Re-checks the session without a request (the server's periodic sweep): a revoked or expired session's
   * connection ends with 4013, its streams with it, even if the client never calls again.
   */
  recheckSession(): void {
    if (this.state !== "open" || this.sessionCheck === Effect.void) return
    this.services.runFork(Effect.catch(this.sessionCheck, (error) => Effect.sync(() => this.sessionEnded(error))))
  }

  private sessionEnded(error: RuntimeError): void {
    const reason = error._tag === "Unauthenticated" ? error.reason : "invalid_credentials"
    this.close("sessionRevoked", `session ${reason.replaceAll("_", " ")}`)
  }

  /**
   * Counts a malformed frame against the connection's budget: a peer that keeps sending garbage is
   * closed (4012) instead of being answered forever. Answers whether the connection stays open.
   */
  private spendBadFrame(): boolean {
    if (this.badFrames.take() === 0) return true
    this.close("tooManyBadFrames", "too many malformed frames")
    return false
  }

  private badFrame(frame: string): undefined {
    if (this.spendBadFrame()) this.send(frame)
  }

  private onRequestFrame(data: Buffer): undefined {
    const admitted = admitRequest(this.requests, data)
    if (Result.isFailure(admitted)) return this.refuse(admitted.failure)
    const principal = this.principal
    if (principal === undefined) return
    const { id, method, permission, params, meta } = admitted.success
    this.requests.ids.start(id)
    const { authorizer } = this.services
    // The session is re-checked on every call (cached, so cheap): a revoked session stops here at once.
    const gate =
      permission === "authenticated" || authorizer === undefined
        ? this.sessionCheck
        : Effect.andThen(
            this.sessionCheck,
            authorizer.authorize({ principal, action: permission, resource: `method/${method}` })
          )
    if (method === "task.subscribe" || method === "task.subscribeAll")
      this.pumps.subscribe(id, method, params as SubscribeParams, principal, gate)
    else if (method === "task.unsubscribe") this.pumps.unsubscribe(id, params as { subscriptionId: string })
    else if (method === "session.logout") this.logout(id, principal)
    else if (isWorkerCallMethod(method)) {
      const handler = workerCalls[method] as (side: WorkerSide, params: unknown) => Effect.Effect<unknown, RuntimeError>
      this.runCall(
        id,
        Effect.andThen(
          gate,
          Effect.suspend(() => handler(this.workerSide(principal), params))
        )
      )
    } else if (isCallMethod(method)) {
      const handler = callHandlers[method] as (
        runtime: RuntimeShape,
        principal: Principal,
        params: unknown
      ) => Effect.Effect<unknown, RuntimeError>
      this.runCall(
        id,
        Effect.andThen(gate, handler(this.services.runtime, principal, params)).pipe(withRequestSpan(method, meta))
      )
    }
  }

  /** This connection as a remote worker: the hub reaches it by notifications (`worker.dispatch`, `worker.abort`). */
  private workerSide(principal: Principal): WorkerSide {
    if (this.worker === undefined) {
      this.worker = {
        runtime: this.services.runtime,
        principal,
        workerId: undefined,
        link: {
          connectionId: this.id,
          dispatch: (notification) => this.send(notificationFrame("worker.dispatch", notification)),
          abort: (leaseId, reason) => this.send(notificationFrame("worker.abort", { leaseId, reason }))
        }
      }
    }
    return this.worker
  }

  /** Does what the request pipeline decided for a frame it did not admit. */
  private refuse(rejected: RequestRejected): undefined {
    switch (rejected._tag) {
      case "Malformed":
        return this.badFrame(failureFrame(rejected.requestId, rejected.error, rejected.jsonRpcCode))
      case "Notification":
        this.spendBadFrame()
        return
      case "RateLimited":
        return this.send(failureFrame(rejected.requestId, rejected.error))
    }
  }

  /** Marks a request answered: its id joins the recent window, so it cannot be replayed on this connection. */
  private answer(id: JsonRpcId, frame: string): undefined {
    this.requests.ids.answered(id)
    this.send(frame)
  }

  private track<A, E>(fiber: Fiber.Fiber<A, E>): void {
    if (fiber.pollUnsafe() !== undefined) return
    this.calls.add(fiber)
    fiber.addObserver(() => this.calls.delete(fiber))
  }

  private runCall(id: JsonRpcId, call: Effect.Effect<unknown, RuntimeError>): void {
    this.track(
      this.services.runFork(
        Effect.matchCause(call, {
          onSuccess: (result) => this.answer(id, successFrame(id, result)),
          onFailure: (cause) => {
            const error = errorOf(cause)
            this.answer(id, failureFrame(id, error))
            // The answer says why; the connection then ends, since every later call would fail the same way.
            if (error._tag === "Unauthenticated") this.sessionEnded(error)
          }
        })
      )
    )
  }

  /** `session.logout`: the authenticator ends the session; this connection (and any other on it) then closes. */
  private logout(id: JsonRpcId, principal: Principal): undefined {
    const logout = this.services.authenticator.logout
    const ended =
      logout === undefined
        ? Effect.succeed({ revoked: false })
        : Effect.as(Effect.andThen(this.sessionCheck, logout(principal)), { revoked: true })
    this.track(
      this.services.runFork(
        Effect.matchCause(ended, {
          onSuccess: (result) => {
            this.answer(id, successFrame(id, result))
            if (result.revoked) this.close("sessionRevoked", "logged out")
          },
          onFailure: (cause) => {
            const error = errorOf(cause)
            this.answer(id, failureFrame(id, error))
            if (error._tag === "Unauthenticated") this.sessionEnded(error)
          }
        })
      )
    )
    return undefined
  }

  /**
   * The server is going away: every open stream ends with `task.end` carrying `UNAVAILABLE`, then the
   * connection closes with 1001. Calls in flight are interrupted with the close, as on any close.
   */
  shutdown(): void {
    if (this.state === "open") this.pumps.endAll(serverShuttingDown())
    this.close("goingAway", "server shutting down")
  }

  private onClose(code: number, reason: string): void {
    const phase = this.principal === undefined ? this.handshake.phase : "open"
    if (this.principal === undefined && this.state !== "closed")
      this.services.onClosedBeforeAuthentication(this.address)
    this.state = "closed"
    for (const timer of this.timers) clearTimeout(timer)
    this.pumps.interruptAll()
    for (const fiber of this.calls) fiber.interruptUnsafe()
    // A worker's connection ended: its leases are lost now, and their attempts run elsewhere.
    const workerId = this.worker?.workerId
    if (workerId !== undefined && this.services.runtime.workers !== undefined)
      this.services.runFork(this.services.runtime.workers.disconnect(workerId))
    this.calls.clear()
    this.services.onClosed(this, {
      connectionId: this.id,
      code: this.closing?.code ?? code,
      reason: this.closing?.reason ?? reason,
      phase,
      ...(this.principal === undefined ? {} : { principalId: this.principal.id })
    })
  }
}

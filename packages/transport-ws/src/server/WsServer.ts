import { randomBytes, randomUUID } from "node:crypto"
import { createServer, type Server as HttpServer, type IncomingMessage } from "node:http"
import type { Duplex } from "node:stream"
import { closeCodes } from "@coderclaw/protocol"
import { Authenticator, Authorizer, Runtime } from "@coderclaw/runtime"
import { Effect, Exit, type ManagedRuntime, Option, Schema, Scope } from "effect"
import { WebSocketServer } from "ws"
import { originAllowed } from "./originAllowed.js"
import { ServerConnection } from "./ServerConnection.js"
import { countConnection } from "./TransportMetrics.js"
import { defaultLimits, type WsLimits, type WsServerOptions } from "./WsServerOptions.js"

/** A running WebSocket server. */
export interface WsServer {
  /** The `ws://host:port` URL clients connect to (with `path` when one was given). */
  readonly url: string
  /** The port actually listened on (useful with `port: 0`). */
  readonly port: number
  /** Connections currently open or in their handshake. */
  readonly connectionCount: number
  /** The limits in force. */
  readonly limits: WsLimits
  /**
   * Stops accepting connections, ends every open stream with `task.end` carrying `UNAVAILABLE`, then closes
   * every connection with 1001 (going away); in-flight calls are interrupted (their clients see the
   * connection lost). A server that listened by itself also stops listening.
   */
  close(): Promise<void>
}

/** The server could not start listening (port in use, permission denied, …). */
export class WsServerError extends Schema.TaggedError<WsServerError>()("WsServerError", {
  reason: Schema.String
}) {}

// The socket is destroyed once the answer is written, so a refused peer holds nothing on the server.
const rejectUpgrade = (socket: Duplex, status: number, text: string): undefined => {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy())
  const force = setTimeout(() => socket.destroy(), 1_000)
  force.unref()
}

const pathOf = (request: IncomingMessage): string => {
  try {
    return new URL(request.url ?? "/", "http://localhost").pathname
  } catch {
    return ""
  }
}

const listen = (server: HttpServer, port: number, host: string) =>
  Effect.callback<void, WsServerError>((resume) => {
    const onError = (error: Error) => resume(Effect.fail(new WsServerError({ reason: error.message })))
    server.once("error", onError)
    server.listen(port, host, () => {
      server.off("error", onError)
      resume(Effect.void)
    })
  })

/**
 * Serves the `Runtime` over JSON-RPC 2.0 on WebSocket, as `docs/protocol.md` documents. Every connection
 * authenticates with the `Authenticator`; when an `Authorizer` is in the context, each method is also
 * checked against its permission (`methodPermissions`) before the runtime checks the call itself.
 * The server closes with the scope.
 */
export const makeWsServer = (
  options: WsServerOptions = {}
): Effect.Effect<WsServer, WsServerError, Runtime | Authenticator | Scope.Scope> =>
  Effect.gen(function* () {
    const context = yield* Effect.context<Runtime | Authenticator>()
    const runtime = yield* Runtime
    const authenticator = yield* Authenticator
    const authorizer = Option.getOrUndefined(yield* Effect.serviceOption(Authorizer))
    const limits: WsLimits = { ...defaultLimits, ...options.limits }
    const connections = new Set<ServerConnection>()
    // Connections that have not finished `connect`, per peer address: one address cannot hold the slots
    // everyone else needs to authenticate.
    const unauthenticated = new Map<string, number>()
    const leavePreAuth = (address: string) => {
      const left = (unauthenticated.get(address) ?? 1) - 1
      if (left <= 0) unauthenticated.delete(address)
      else unauthenticated.set(address, left)
    }
    let closing = false

    const ownServer = options.server === undefined
    const http = options.server ?? createServer((_, response) => response.writeHead(426).end("Upgrade Required"))
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: limits.maxPayloadBytes,
      perMessageDeflate: false,
      clientTracking: false
    })
    const runFork = Effect.runForkWith(context)
    const services = {
      runFork,
      runtime,
      authorizer,
      authenticator,
      limits,
      serverIdentity: options.serverIdentity,
      onClosed: (
        connection: ServerConnection,
        closed: Parameters<NonNullable<WsServerOptions["onConnectionClosed"]>>[0]
      ) => {
        if (connections.delete(connection)) countConnection(-1)
        options.onConnectionClosed?.(closed)
      },
      onAuthenticated: (address: string) => leavePreAuth(address),
      onClosedBeforeAuthentication: (address: string) => leavePreAuth(address)
    }

    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): undefined => {
      if (options.path !== undefined && pathOf(request) !== options.path) {
        // On a server of its own nobody else can answer: refuse at once rather than hold the socket open.
        // On a shared server another `upgrade` listener may serve the path; without one, refuse as well.
        if (ownServer || http.listenerCount("upgrade") <= 1) return rejectUpgrade(socket, 404, "Not Found")
        return
      }
      if (closing) return rejectUpgrade(socket, 503, "Service Unavailable")
      if (!originAllowed(request.headers.origin, request.headers.host, options.allowedOrigins))
        return rejectUpgrade(socket, 403, "Forbidden")
      if (connections.size >= limits.maxConnections) return rejectUpgrade(socket, 503, "Service Unavailable")
      const address = request.socket.remoteAddress ?? "unknown"
      if ((unauthenticated.get(address) ?? 0) >= limits.maxUnauthenticatedPerAddress)
        return rejectUpgrade(socket, 429, "Too Many Requests")
      wss.handleUpgrade(request, socket, head, (ws) => {
        if (closing) {
          ws.close(closeCodes.goingAway.code, "server shutting down")
          return
        }
        unauthenticated.set(address, (unauthenticated.get(address) ?? 0) + 1)
        const connection = new ServerConnection(
          ws,
          request,
          services,
          randomUUID(),
          randomBytes(32).toString("base64url")
        )
        connections.add(connection)
        countConnection(1)
      })
    }

    http.on("upgrade", onUpgrade)
    if (ownServer) yield* listen(http, options.port ?? 0, options.host ?? "127.0.0.1")

    const heartbeat = setInterval(() => {
      for (const connection of connections) {
        if (!connection.alive) {
          // Say why (4011) in case the peer can still read; the socket is destroyed after the close grace.
          connection.close("heartbeatTimeout", "no pong to the last heartbeat")
          continue
        }
        connection.alive = false
        connection.ping()
      }
    }, limits.heartbeatIntervalMs)
    heartbeat.unref()
    // Idle connections send nothing to be checked on: sweep them, so a revoked session's streams end too.
    const sessionSweep =
      authenticator.check === undefined
        ? undefined
        : setInterval(() => {
            for (const connection of connections) connection.recheckSession()
          }, limits.sessionCheckIntervalMs)
    sessionSweep?.unref()

    let closed: Promise<void> | undefined
    const close = (): Promise<void> => {
      closed ??= (async () => {
        closing = true
        clearInterval(heartbeat)
        if (sessionSweep !== undefined) clearInterval(sessionSweep)
        http.off("upgrade", onUpgrade)
        const open = [...connections]
        const allClosed = new Promise<void>((resolve) => {
          const check = setInterval(() => {
            if (open.every((connection) => !connections.has(connection))) {
              clearInterval(check)
              resolve()
            }
          }, 5)
        })
        for (const connection of open) connection.shutdown()
        await allClosed
        wss.close()
        if (ownServer) await new Promise<void>((resolve) => http.close(() => resolve()))
      })()
      return closed
    }
    yield* Effect.addFinalizer(() => Effect.promise(close))

    const address = http.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    const host = options.host ?? (typeof address === "object" && address !== null ? address.address : "127.0.0.1")
    const urlHost = host.includes(":") ? `[${host}]` : host
    return {
      url: `ws://${urlHost}:${port}${options.path ?? ""}`,
      port,
      limits,
      get connectionCount() {
        return connections.size
      },
      close
    }
  })

/** Options of `startWsServer`: the server's, plus the runtime (and authenticator) it serves. */
export interface StartWsServerOptions extends WsServerOptions {
  /** A managed runtime providing `Runtime` and `Authenticator` (and optionally `Authorizer`). */
  readonly runtime: ManagedRuntime.ManagedRuntime<Runtime | Authenticator, unknown>
}

/**
 * The Promise form of `makeWsServer`, for callers outside Effect: serves a managed runtime until
 * `close()`. Closing the server does not dispose the runtime.
 */
export const startWsServer = async (options: StartWsServerOptions): Promise<WsServer> => {
  const { runtime, ...serverOptions } = options
  const context = await runtime.context()
  const scope = Effect.runSync(Scope.make())
  const server = await Effect.runPromiseWith(context)(
    makeWsServer(serverOptions).pipe(Effect.provideService(Scope.Scope, scope))
  ).catch(async (error: unknown) => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    throw error
  })
  return {
    url: server.url,
    port: server.port,
    limits: server.limits,
    get connectionCount() {
      return server.connectionCount
    },
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

import type { IncomingMessage, ServerResponse } from "node:http"
import { A2A_CONTENT_TYPE } from "@a2a-js/sdk"
import { agentCardHandler, jsonRpcHandler, restHandler, type UserBuilder } from "@a2a-js/sdk/server/express"
import type { Principal, WireMethod } from "@coderclaw/protocol"
import { Result } from "effect"
import express, { type NextFunction, type Request, type Response } from "express"
import type { HttpAuthentication } from "../auth/HttpAuthentication.js"
import type { HttpRoute } from "../http/HttpRoute.js"
import { sendJsonError } from "../http/sendJsonError.js"
import { jsonRpcWireMethod, restWireMethod } from "./a2aWireMethod.js"
import { a2aPaths } from "./agentCard.js"
import { GatewayUser } from "./GatewayUser.js"
import type { RuntimeRequestHandler } from "./RuntimeRequestHandler.js"

/** Where the agent card is served, anonymously (A2A's well-known path). */
export const agentCardPath = "/.well-known/agent-card.json"

/** What the A2A routes need. */
export interface A2aRoutesOptions {
  readonly handler: RuntimeRequestHandler
  readonly authentication: HttpAuthentication
  /** Largest request body accepted. Default 1 MiB, as a WebSocket frame. */
  readonly maxBodyBytes?: number
}

const pathOf = (url: string | undefined): string => (url ?? "/").split("?", 1)[0] ?? "/"

/**
 * The A2A routes: the agent card (the only thing served without a token), the JSON-RPC + SSE binding at
 * `/a2a/jsonrpc` and the HTTP+JSON binding at `/a2a/rest`, both `@a2a-js/sdk`'s own Express bindings over
 * `RuntimeRequestHandler`. In front of the bindings, every request is authenticated by its bearer token and
 * gated by the wire method it amounts to; refusals are JSON errors, `401` (with `WWW-Authenticate`) or `403`,
 * and audited by security as over WebSocket. Requests outside these paths are left to other route groups.
 */
export const a2aRoutes = (options: A2aRoutesOptions): HttpRoute => {
  const { handler, authentication } = options
  const principals = new WeakMap<IncomingMessage, Principal>()
  const userBuilder: UserBuilder = (request) => {
    const principal = principals.get(request)
    return principal === undefined
      ? Promise.reject(new Error("unauthenticated request"))
      : Promise.resolve(new GatewayUser(principal))
  }
  const parseJson = express.json({
    limit: options.maxBodyBytes ?? 1024 * 1024,
    type: ["application/json", A2A_CONTENT_TYPE],
    strict: false
  })

  const authenticate = async (request: Request, response: Response, next: NextFunction) => {
    const result = await authentication.authenticate(request)
    if (Result.isFailure(result)) {
      const refusal = result.failure
      sendJsonError(
        response,
        refusal.reason === "throttled" ? 429 : 401,
        {
          code: "UNAUTHENTICATED",
          message: refusal.message,
          reason: refusal.reason,
          ...(refusal.retryAfterMs === undefined ? {} : { retryAfterMs: refusal.retryAfterMs })
        },
        { "www-authenticate": `Bearer realm="coderclaw", error="invalid_token"` }
      )
      return
    }
    principals.set(request, result.success)
    watchSession(authentication, result.success, response)
    next()
  }

  const gate =
    (methodOf: (request: Request) => WireMethod | undefined) =>
    async (request: Request, response: Response, next: NextFunction) => {
      const principal = principals.get(request)
      const method = methodOf(request)
      if (principal === undefined || method === undefined) {
        next()
        return
      }
      const decision = await authentication.gate(principal, method)
      if (Result.isFailure(decision)) {
        sendJsonError(response, 403, { code: "FORBIDDEN", message: decision.failure.message })
        return
      }
      next()
    }

  const app = express()
  app.disable("x-powered-by")
  app.use(agentCardPath, agentCardHandler({ agentCardProvider: handler }))
  app.use(
    a2aPaths.jsonRpc,
    authenticate,
    parseJson,
    gate((request) => jsonRpcWireMethod(request.body)),
    jsonRpcHandler({ requestHandler: handler, userBuilder })
  )
  app.use(
    a2aPaths.rest,
    authenticate,
    parseJson,
    gate((request) => restWireMethod(request.method, request.path, request.body)),
    restHandler({ requestHandler: handler, userBuilder })
  )

  const ours = (path: string) =>
    path === agentCardPath ||
    [a2aPaths.jsonRpc, a2aPaths.rest].some((root) => path === root || path.startsWith(`${root}/`))

  return (request: IncomingMessage, response: ServerResponse) => {
    const path = pathOf(request.url)
    if (!ours(path)) return false
    return new Promise<boolean>((resolve) => {
      response.once("close", () => resolve(true))
      app(request as Request, response as Response, (error?: unknown) => {
        answerUnhandled(response, `${request.method} ${path}`, error)
        resolve(true)
      })
    })
  }
}

/**
 * While the response is open (an SSE stream may stay open for as long as its task runs), its session is
 * re-checked now and then; a revoked or expired session ends the stream, as it ends a WebSocket connection.
 */
const watchSession = (authentication: HttpAuthentication, principal: Principal, response: ServerResponse): void => {
  const timer = setInterval(() => {
    void authentication.stillValid(principal).then((valid) => {
      if (!valid) response.destroy()
    })
  }, authentication.sessionCheckIntervalMs)
  timer.unref()
  response.once("close", () => clearInterval(timer))
}

/** What Express left unanswered: no A2A route (404), a body it could not read (its 4xx), or a fault (500). */
const answerUnhandled = (response: ServerResponse, what: string, error: unknown): void => {
  if (error === undefined || error === null) {
    sendJsonError(response, 404, { code: "INVALID_REQUEST", message: `no A2A route for ${what}` })
    return
  }
  const status = typeof error === "object" && "status" in error && typeof error.status === "number" ? error.status : 500
  if (status >= 500) sendJsonError(response, 500, { code: "INTERNAL", message: "internal error" })
  else
    sendJsonError(response, status, {
      code: "INVALID_REQUEST",
      message: error instanceof Error ? error.message : "bad request"
    })
}

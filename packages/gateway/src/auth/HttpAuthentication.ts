import { createHash, randomUUID } from "node:crypto"
import type { IncomingMessage } from "node:http"
import {
  type AuthenticatorShape,
  type AuthorizerShape,
  Forbidden,
  type Principal,
  permissionOf,
  Unauthenticated,
  type WireMethod
} from "@coderclaw/protocol"
import { Effect, Result } from "effect"
import { bearerToken } from "./bearerToken.js"

/** Why a request was refused before it reached the runtime: who it is (401) or what it may do (403). */
export type HttpRefusal = Unauthenticated | Forbidden

/** What HTTP callers are checked with: the same ports the WebSocket server consults. */
export interface HttpAuthenticationOptions {
  readonly authenticator: AuthenticatorShape
  /** Absent: no method gate (the runtime still authorizes every task call). */
  readonly authorizer?: AuthorizerShape
  /** How many verified tokens are remembered (oldest forgotten first). Default 10,000. */
  readonly cacheSize?: number
  /** How long a verified token is remembered at most (ms); revocation is checked on every request. Default 5 minutes. */
  readonly cacheTtlMs?: number
  /** How often an open (streaming) response re-checks its session (ms). Default 1 s, as WebSocket connections. */
  readonly sessionCheckIntervalMs?: number
}

interface Remembered {
  readonly principal: Principal
  readonly until: number
}

/**
 * Authenticates HTTP requests by their bearer token (a session token, an OIDC or Google ID token, a GitHub
 * Actions OIDC token) through the `Authenticator` port, and gates each call by the permission of the wire
 * method it amounts to through the `Authorizer` port — so HTTP callers meet exactly the rules, and leave
 * exactly the audit entries (`auth.connect`, `authz.decide`), of WebSocket callers.
 *
 * A provider token opens a session the first time it is seen; the principal is then remembered by the
 * token's hash (never the token) until the session expires or `cacheTtlMs` passes, so a CI job's requests
 * do not open one session each. Every request still asks the authenticator's `check`, so a revoked or
 * expired session is refused at once.
 */
export class HttpAuthentication {
  private readonly remembered = new Map<string, Remembered>()
  private readonly cacheSize: number
  private readonly cacheTtlMs: number
  /** How often an open response re-checks its session (ms). */
  readonly sessionCheckIntervalMs: number

  constructor(private readonly options: HttpAuthenticationOptions) {
    this.cacheSize = options.cacheSize ?? 10_000
    this.cacheTtlMs = options.cacheTtlMs ?? 5 * 60_000
    this.sessionCheckIntervalMs = options.sessionCheckIntervalMs ?? 1_000
  }

  /** The request's principal, or why it has none. */
  authenticate(request: IncomingMessage): Promise<Result.Result<Principal, Unauthenticated>> {
    const token = bearerToken(request)
    return Effect.runPromise(
      Effect.result(token === undefined ? this.refuseMissing(request) : this.verify(request, token))
    )
  }

  /**
   * Whether the principal's session still holds (not revoked, not expired): asked while a response streams,
   * so a revoked session's open streams end as its WebSocket streams do. Always true without `check`.
   */
  stillValid(principal: Principal): Promise<boolean> {
    const { check } = this.options.authenticator
    if (check === undefined) return Promise.resolve(true)
    return Effect.runPromise(
      check(principal).pipe(
        Effect.as(true),
        Effect.orElseSucceed(() => false)
      )
    )
  }

  /** Whether `principal` may call `method` (its permission from the protocol's method table). */
  gate(principal: Principal, method: WireMethod): Promise<Result.Result<void, Forbidden>> {
    const permission = permissionOf(method)
    const { authorizer } = this.options
    if (permission === undefined || permission === "handshake")
      return Promise.resolve(Result.fail(new Forbidden({ action: method, reasons: ["method:unclassified"] })))
    if (permission === "authenticated" || authorizer === undefined) return Promise.resolve(Result.succeed(undefined))
    return Effect.runPromise(
      Effect.result(
        authorizer.authorize({ principal, action: permission, resource: `method/${method}` }).pipe(Effect.asVoid)
      )
    )
  }

  // A request without a token is still put to the authenticator (as an empty token), so that the refusal is
  // audited like any other failed authentication; the caller is told the credentials were missing.
  private refuseMissing(request: IncomingMessage): Effect.Effect<never, Unauthenticated> {
    return this.ask(request, "").pipe(
      Effect.flatMap(() => Effect.fail(new Unauthenticated({ reason: "missing_credentials" }))),
      Effect.catch(() => Effect.fail(new Unauthenticated({ reason: "missing_credentials" })))
    )
  }

  private verify(request: IncomingMessage, token: string): Effect.Effect<Principal, Unauthenticated> {
    const key = createHash("sha256").update(token).digest("base64url")
    const known = this.remembered.get(key)
    const now = Date.now()
    if (known !== undefined && known.until > now) {
      const { check } = this.options.authenticator
      return check === undefined
        ? Effect.succeed(known.principal)
        : check(known.principal).pipe(
            Effect.as(known.principal),
            Effect.tapError(() => Effect.sync(() => this.remembered.delete(key)))
          )
    }
    return this.ask(request, token).pipe(
      Effect.map(({ principal, session }) => {
        this.remember(key, principal, Math.min(session?.expiresAt ?? Number.POSITIVE_INFINITY, now + this.cacheTtlMs))
        return principal
      })
    )
  }

  private ask(request: IncomingMessage, token: string) {
    const remoteAddress = request.socket.remoteAddress
    const origin = request.headers.origin
    return this.options.authenticator.authenticate({
      credentials: { type: "token", token },
      // HTTP has no challenge: no device proof can be made, so the nonce only has to be unique.
      nonce: randomUUID(),
      connectionId: `http-${randomUUID()}`,
      ...(remoteAddress === undefined ? {} : { remoteAddress }),
      ...(origin === undefined ? {} : { origin })
    })
  }

  private remember(key: string, principal: Principal, until: number): void {
    this.remembered.delete(key)
    this.remembered.set(key, { principal, until })
    if (this.remembered.size <= this.cacheSize) return
    const oldest = this.remembered.keys().next()
    if (oldest.done !== true) this.remembered.delete(oldest.value)
  }
}

import { randomUUID } from "node:crypto"
import type { Principal, TrustLevel } from "@coderclaw/protocol"
import { Clock, Context, Effect, Layer, Option, Schema } from "effect"
import type { Identity } from "../identity/Identity.js"
import { isSessionActive, Session } from "./Session.js"
import { SessionRejected } from "./SessionRejected.js"
import { SessionStore } from "./SessionStore.js"
import { SessionTokens } from "./SessionTokens.js"
import { sessionToPrincipal } from "./sessionToPrincipal.js"

/** How long sessions may live. */
export interface SessionsOptions {
  /**
   * The longest session, in ms. A longer `ttlMs` is clamped to it (not refused): callers asking for "as long
   * as allowed" get exactly that, and the session's `expiresAt` says what they got. Defaults to the token
   * service's `maxTokenTtlMs`, and may not exceed it (a token must be verifiable for the session's life).
   */
  readonly maxTtlMs?: number | undefined
  /** The ttl of a session created without one, in ms. Default 1 hour (or `maxTtlMs` when shorter). */
  readonly defaultTtlMs?: number | undefined
}

/** What a session is created from: a verified identity, and the device proved on the same connection. */
export interface NewSession {
  /** The identity a provider verified; its roles become the session's roles. */
  readonly identity: Identity
  /** The caller's device and the trust the device check gave it; without one the session is `untrusted`. */
  readonly device?: { readonly deviceId: string; readonly trust: TrustLevel } | undefined
  /** Scopes the caller asked to be limited to (at most 32). Default none. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** How long the session should live, in ms: a positive integer, clamped to `maxTtlMs`. */
  readonly ttlMs?: number | undefined
}

/** Options of `Sessions.listFor`. */
export interface ListSessionsOptions {
  /** Also list revoked and expired sessions that are still stored. Default false. */
  readonly includeInactive?: boolean | undefined
}

/**
 * Sessions: created after authentication, named by a signed token, checked on every use against the store
 * (which alone holds roles, device, trust, scopes, expiry and revocation).
 */
export interface SessionsShape {
  /** Stores a new session and signs its token. Fails `invalid_request` for a bad ttl, scope, role or name. */
  create(request: NewSession): Effect.Effect<{ readonly session: Session; readonly token: string }, SessionRejected>
  /** The session if it can be used now; fails `not_found`, `revoked` or `expired` (checked in that order). */
  validate(sessionId: string): Effect.Effect<Session, SessionRejected>
  /**
   * `validate` for every call and stream delivery: answers from a cache of live sessions, dropped whenever
   * the store's `revision` moved (a revocation or deletion by this process or another one on the same
   * database), so a revoked session is refused on its next check. Costs one revision read per check.
   */
  check(sessionId: string): Effect.Effect<Session, SessionRejected>
  /** Verifies a token (see `SessionTokens.verify`), then validates the session it names. */
  verifyToken(token: string): Effect.Effect<Session, SessionRejected>
  /** `verifyToken` followed by `toPrincipal`: what an authenticator needs for a session token. */
  authenticate(token: string): Effect.Effect<Principal, SessionRejected>
  /** Revokes a session (idempotent: the first revocation time is kept); fails `not_found`. */
  revoke(sessionId: string): Effect.Effect<Session, SessionRejected>
  /** Revokes every session of a principal (e.g. after a password change); returns how many were still unrevoked. */
  revokeAllFor(principalId: string): Effect.Effect<number, SessionRejected>
  /** Every principal's usable sessions, oldest first (for operators: `coderclaw sessions list`). */
  readonly listActive: Effect.Effect<ReadonlyArray<Session>, SessionRejected>
  /** A principal's sessions, oldest first: only usable ones unless `includeInactive`. */
  listFor(principalId: string, options?: ListSessionsOptions): Effect.Effect<ReadonlyArray<Session>, SessionRejected>
  /**
   * Deletes sessions that expired more than `retainMs` ago (default 0) and returns how many; afterwards they
   * answer `not_found` instead of `expired`. Run it periodically with a durable store.
   */
  purgeExpired(retainMs?: number): Effect.Effect<number, SessionRejected>
  /** The protocol principal of a session: roles, device and trust from the session only. */
  toPrincipal(session: Session): Principal
}

const PositiveMs = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))

const rejected = (reason: SessionRejected["reason"], sessionId?: string, detail?: string) =>
  new SessionRejected({
    reason,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(detail === undefined ? {} : { detail })
  })

/** Why a stored session cannot be used at `now`, if it cannot. Revocation is reported before expiry. */
const refusal = (session: Session, now: number): SessionRejected | undefined =>
  session.revokedAt !== undefined
    ? rejected("Revoked", session.id)
    : now >= session.expiresAt
      ? rejected("Expired", session.id)
      : undefined

/**
 * Builds the sessions service over the `SessionStore` and `SessionTokens` in context. Fails
 * `invalid_request` when the ttl options are not positive integers or exceed the token lifetime.
 */
export const makeSessions = (
  options: SessionsOptions = {}
): Effect.Effect<SessionsShape, SessionRejected, SessionStore | SessionTokens> =>
  Effect.gen(function* () {
    const store = yield* SessionStore
    const tokens = yield* SessionTokens
    const invalidOption = (detail: string) => Effect.fail(rejected("InvalidRequest", undefined, detail))
    const maxTtlMs = options.maxTtlMs ?? tokens.maxTokenTtlMs
    if (!Schema.is(PositiveMs)(maxTtlMs)) return yield* invalidOption("maxTtlMs must be a positive integer")
    if (maxTtlMs > tokens.maxTokenTtlMs) {
      return yield* invalidOption(
        `maxTtlMs (${maxTtlMs}) exceeds the token service's maxTokenTtlMs (${tokens.maxTokenTtlMs})`
      )
    }
    const defaultTtlMs = options.defaultTtlMs ?? Math.min(60 * 60 * 1_000, maxTtlMs)
    if (!Schema.is(PositiveMs)(defaultTtlMs) || defaultTtlMs > maxTtlMs) {
      return yield* invalidOption("defaultTtlMs must be a positive integer no larger than maxTtlMs")
    }
    const decodeSession = Schema.decodeUnknownEffect(Session)

    const create = (request: NewSession) =>
      Effect.gen(function* () {
        const ttlMs = request.ttlMs ?? defaultTtlMs
        if (!Schema.is(PositiveMs)(ttlMs)) {
          return yield* Effect.fail(rejected("InvalidRequest", undefined, "ttlMs must be a positive integer"))
        }
        const now = yield* Clock.currentTimeMillis
        const { identity, device } = request
        const session = yield* decodeSession({
          id: randomUUID(),
          principalId: identity.principalId,
          provider: identity.provider,
          ...(identity.displayName === undefined ? {} : { displayName: identity.displayName }),
          roles: [...identity.roles],
          ...(device === undefined ? {} : { deviceId: device.deviceId }),
          trust: device?.trust ?? "untrusted",
          scopes: [...(request.scopes ?? [])],
          createdAt: now,
          expiresAt: now + Math.min(ttlMs, maxTtlMs)
        }).pipe(Effect.mapError((error) => rejected("InvalidRequest", undefined, `session: ${error.message}`)))
        // The token is signed first: a session is only stored once it can be handed out.
        const token = yield* tokens.issue(session)
        yield* store.insert(session)
        return { session, token }
      })

    const validate = (sessionId: string) =>
      Effect.gen(function* () {
        const found = yield* store.find(sessionId)
        if (Option.isNone(found)) return yield* Effect.fail(rejected("NotFound", sessionId))
        const now = yield* Clock.currentTimeMillis
        const refused = refusal(found.value, now)
        return refused === undefined ? found.value : yield* Effect.fail(refused)
      })

    // Live sessions by id, valid while the store's revision is `cachedRevision`. Bounded: when full it is
    // simply emptied (refilled by the next checks), which keeps it a plain map with no bookkeeping per hit.
    const cache = new Map<string, Session>()
    const maxCached = 10_000
    let cachedRevision = -1
    const check = (sessionId: string): Effect.Effect<Session, SessionRejected> =>
      Effect.flatMap(store.revision, (revision) => {
        if (revision !== cachedRevision) {
          cache.clear()
          cachedRevision = revision
        }
        const cached = cache.get(sessionId)
        if (cached === undefined)
          return Effect.tap(validate(sessionId), (session) =>
            Effect.sync(() => {
              // Only cache what was read under the revision still current: a revocation in between wins.
              if (cachedRevision !== revision) return
              if (cache.size >= maxCached) cache.clear()
              cache.set(sessionId, session)
            })
          )
        return Effect.flatMap(Clock.currentTimeMillis, (now) =>
          now >= cached.expiresAt ? Effect.fail(rejected("Expired", sessionId)) : Effect.succeed(cached)
        )
      })

    const verifyToken = (token: string) =>
      Effect.gen(function* () {
        const claims = yield* tokens.verify(token)
        const session = yield* validate(claims.sid)
        if (session.principalId !== claims.sub) {
          return yield* Effect.fail(rejected("ClaimsMismatch", session.id, "subject is not the session's principal"))
        }
        return session
      })

    return {
      create,
      validate,
      check,
      verifyToken,
      authenticate: (token) => Effect.map(verifyToken(token), sessionToPrincipal),
      revoke: (sessionId) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const revoked = yield* store.revoke(sessionId, now)
          if (Option.isNone(revoked)) return yield* Effect.fail(rejected("NotFound", sessionId))
          return revoked.value
        }),
      revokeAllFor: (principalId) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => store.revokeAllFor(principalId, now)),
      listActive: Effect.flatMap(Clock.currentTimeMillis, (now) => store.listActive(now)),
      listFor: (principalId, listOptions) =>
        Effect.gen(function* () {
          const sessions = yield* store.listFor(principalId)
          if (listOptions?.includeInactive === true) return sessions
          const now = yield* Clock.currentTimeMillis
          return sessions.filter((session) => isSessionActive(session, now))
        }),
      purgeExpired: (retainMs = 0) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => store.deleteExpired(now - Math.max(0, retainMs))),
      toPrincipal: sessionToPrincipal
    }
  })

/** The sessions service. */
export class Sessions extends Context.Service<Sessions, SessionsShape>()("@coderclaw/security/Sessions") {
  /** The service over the `SessionStore` and `SessionTokens` in context. */
  static readonly layer = (
    options: SessionsOptions = {}
  ): Layer.Layer<Sessions, SessionRejected, SessionStore | SessionTokens> =>
    Layer.effect(Sessions, makeSessions(options))
}

import { randomUUID } from "node:crypto"
import { Clock, Context, Effect, Layer, Ref, Schema, Semaphore } from "effect"
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT
} from "jose"
import type { Session } from "./Session.js"
import { SessionRejected } from "./SessionRejected.js"
import { SessionTokenClaims } from "./SessionTokenClaims.js"
import { Ed25519PrivateJwk, Ed25519PublicJwk, type SigningKeyRecord } from "./SigningKey.js"
import { SigningKeyStore } from "./SigningKeyStore.js"

/** The id of the server identity key in the signing key store (see `ServerIdentity`); never a session key. */
const serverIdentityRecordId = "server-identity"

/** The `typ` header of a session token, so no other JWT (an OIDC ID token, say) is ever taken for one. */
export const sessionTokenType = "coderclaw-session+jwt"

/** The only signature algorithm session tokens use and accept. */
export const sessionTokenAlgorithm = "EdDSA"

/** How session tokens are issued and checked. `issuer` and `audience` are required. */
export interface SessionTokensOptions {
  /** The `iss` claim: who issued the token (e.g. the runtime's public URL or node id). */
  readonly issuer: string
  /** The `aud` claim: who the token is for (e.g. `coderclaw-runtime`). */
  readonly audience: string
  /**
   * The audience of this one server (`coderclaw-server:<identity key id>`): when set, tokens carry it
   * beside `audience`, and only tokens carrying it verify, so a token issued by another server (even one
   * sharing the configured `audience`) is refused.
   */
  readonly serverAudience?: string | undefined
  /**
   * The longest a token may live, in ms (default 12 hours). No token is issued for longer, and a retired
   * key keeps verifying for this long (plus `clockSkewMs`) after `rotate()`, then is deleted.
   */
  readonly maxTokenTtlMs?: number | undefined
  /** Tolerance for `exp` and `iat` against our clock, in ms (default 30 seconds, at most 5 minutes). */
  readonly clockSkewMs?: number | undefined
  /** Longest token accepted, in characters, checked before anything is parsed (default 4096). */
  readonly maxTokenLength?: number | undefined
}

/** A public key of the ring as a JWK Set entry. */
export interface SessionPublicJwk extends Ed25519PublicJwk {
  readonly kid: string
  readonly alg: typeof sessionTokenAlgorithm
  readonly use: "sig"
}

/**
 * The runtime's own session tokens: Ed25519-signed JWTs (EdDSA) that name a session. Keys form a ring: one
 * current key signs; keys retired by `rotate()` keep verifying until every token they signed has expired.
 */
export interface SessionTokensShape {
  /**
   * Signs a token for a session: `{ iss, aud, sub: principalId, sid, jti, iat, exp }`, `exp` no later than
   * the session's expiry, with the current key's `kid`. Fails `invalid_request` for a revoked or expired
   * session or one that lives longer than `maxTokenTtlMs`.
   */
  issue(session: Session): Effect.Effect<string, SessionRejected>
  /**
   * Checks a token's length, shape, algorithm (EdDSA only), key id (ours only), signature, type, issuer,
   * audience, `exp` and `iat` (within the clock skew, no older than `maxTokenTtlMs`) and returns its claims.
   * It does not look the session up: `Sessions.verifyToken` does.
   */
  verify(token: string): Effect.Effect<SessionTokenClaims, SessionRejected>
  /** Makes a new current key, retires the previous one and deletes keys past their verification window. Returns the new `kid`. */
  readonly rotate: Effect.Effect<string, SessionRejected>
  /** Re-reads the ring from the store, e.g. after another process sharing the store rotated. */
  readonly reload: Effect.Effect<void, SessionRejected>
  /** The `kid` new tokens are signed with. */
  readonly currentKeyId: Effect.Effect<string>
  /** The public keys that currently verify tokens, as a JWK Set (for other services that check tokens). */
  readonly publicKeys: Effect.Effect<{ readonly keys: ReadonlyArray<SessionPublicJwk> }>
  /** The configured longest token lifetime, in ms. */
  readonly maxTokenTtlMs: number
}

const int = (min: number, max: number) =>
  Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(min), Schema.isLessThanOrEqualTo(max)))

const ResolvedOptions = Schema.Struct({
  issuer: Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(512))),
  audience: Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(512))),
  maxTokenTtlMs: int(1_000, 366 * 24 * 60 * 60 * 1_000),
  clockSkewMs: int(0, 5 * 60 * 1_000),
  maxTokenLength: int(256, 65_536)
})

const TokenHeader = Schema.Struct({
  alg: Schema.String,
  kid: Schema.optionalKey(Schema.String),
  typ: Schema.optionalKey(Schema.String)
})

const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

interface RingKey {
  readonly record: SigningKeyRecord
  readonly publicKey: CryptoKey
}

interface CurrentKey extends RingKey {
  readonly privateKey: CryptoKey
}

interface Ring {
  readonly current: CurrentKey
  readonly retired: ReadonlyArray<RingKey>
}

const rejected = (reason: SessionRejected["reason"], detail?: string, sessionId?: string) =>
  new SessionRejected({
    reason,
    ...(detail === undefined ? {} : { detail }),
    ...(sessionId === undefined ? {} : { sessionId })
  })

// jose's error classes name what failed; their messages are never read.
const fromJoseError = (error: unknown): SessionRejected => {
  if (error instanceof errors.JWTExpired) return rejected("Expired", `${error.claim} check failed`)
  if (error instanceof errors.JWTClaimValidationFailed)
    return rejected("ClaimsMismatch", `${error.claim}: ${error.reason}`)
  if (error instanceof errors.JWSSignatureVerificationFailed) return rejected("BadSignature")
  if (error instanceof errors.JOSEAlgNotAllowed) return rejected("UnsupportedAlgorithm")
  return rejected("MalformedToken")
}

const importPublic = (record: SigningKeyRecord) =>
  Effect.tryPromise({
    try: () => importJWK(record.publicJwk, sessionTokenAlgorithm) as Promise<CryptoKey>,
    catch: () => rejected("Unavailable", `stored public key ${record.kid} does not import`)
  })

const importPrivate = (record: SigningKeyRecord, jwk: Ed25519PrivateJwk) =>
  Effect.tryPromise({
    try: () => importJWK(jwk, sessionTokenAlgorithm) as Promise<CryptoKey>,
    catch: () => rejected("Unavailable", `stored private key ${record.kid} does not import`)
  })

const generateKey = (createdAt: number): Effect.Effect<CurrentKey> =>
  Effect.promise(async () => {
    const pair = await generateKeyPair(sessionTokenAlgorithm, { crv: "Ed25519", extractable: true })
    const publicJwk = Schema.decodeUnknownSync(Ed25519PublicJwk)(await exportJWK(pair.publicKey))
    const privateJwk = Schema.decodeUnknownSync(Ed25519PrivateJwk)(await exportJWK(pair.privateKey))
    const kid = await calculateJwkThumbprint(publicJwk, "sha256")
    return { record: { kid, publicJwk, privateJwk, createdAt }, publicKey: pair.publicKey, privateKey: pair.privateKey }
  })

const retire = (record: SigningKeyRecord, at: number): SigningKeyRecord => {
  const { privateJwk: _secret, ...rest } = record
  return { ...rest, retiredAt: record.retiredAt ?? at }
}

/**
 * Builds the session token service over the `SigningKeyStore` in context: loads the ring, or makes and
 * stores a first key when there is none. Fails `invalid_request` when an option is out of range and
 * `unavailable` when the store fails or holds a key that does not import.
 */
export const makeSessionTokens = (
  options: SessionTokensOptions
): Effect.Effect<SessionTokensShape, SessionRejected, SigningKeyStore> =>
  Effect.gen(function* () {
    const settings = yield* Schema.decodeUnknownEffect(ResolvedOptions)({
      issuer: options.issuer,
      audience: options.audience,
      maxTokenTtlMs: options.maxTokenTtlMs ?? 12 * 60 * 60 * 1_000,
      clockSkewMs: options.clockSkewMs ?? 30_000,
      maxTokenLength: options.maxTokenLength ?? 4_096
    }).pipe(Effect.mapError((error) => rejected("InvalidRequest", `session token options: ${error.message}`)))
    const serverAudience = options.serverAudience
    const store = yield* SigningKeyStore
    const lock = yield* Semaphore.make(1)
    // A retired key must verify every token it signed: those live at most maxTokenTtlMs, plus the skew.
    const retentionMs = settings.maxTokenTtlMs + settings.clockSkewMs
    const stillVerifies = (record: SigningKeyRecord, now: number) =>
      record.retiredAt === undefined || now < record.retiredAt + retentionMs

    // Reads the store and repairs it: one current key (the newest with a private half), the other keys
    // retired without their private half, keys past their window deleted, a fresh key when none can sign.
    const loadRing: Effect.Effect<Ring, SessionRejected> = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      // The server's identity key shares the store but is no session-signing key.
      const records = [...(yield* store.load)]
        .filter((record) => record.kid !== serverIdentityRecordId)
        .sort((a, b) => b.createdAt - a.createdAt)
      let current: CurrentKey | undefined
      const retired: Array<RingKey> = []
      for (const record of records) {
        if (current === undefined && record.retiredAt === undefined && record.privateJwk !== undefined) {
          const privateKey = yield* importPrivate(record, record.privateJwk)
          current = { record, publicKey: yield* importPublic(record), privateKey }
          continue
        }
        const asRetired = retire(record, current?.record.createdAt ?? now)
        if (!stillVerifies(asRetired, now)) {
          yield* store.remove(record.kid)
          continue
        }
        if (asRetired.retiredAt !== record.retiredAt || record.privateJwk !== undefined) yield* store.save(asRetired)
        retired.push({ record: asRetired, publicKey: yield* importPublic(asRetired) })
      }
      if (current === undefined) {
        current = yield* generateKey(now)
        yield* store.save(current.record)
      }
      return { current, retired }
    })

    const ring = yield* Ref.make(yield* loadRing)

    const rotate = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const { current, retired } = yield* Ref.get(ring)
      const next = yield* generateKey(now)
      // The new key is stored before the old one is retired: a crash in between leaves two signing keys,
      // which the next load resolves (the newest signs), never none.
      yield* store.save(next.record)
      const previous = { record: retire(current.record, now), publicKey: current.publicKey }
      yield* store.save(previous.record)
      const kept: Array<RingKey> = [previous]
      for (const key of retired) {
        if (stillVerifies(key.record, now)) kept.push(key)
        else yield* store.remove(key.record.kid)
      }
      yield* Ref.set(ring, { current: next, retired: kept })
      return next.record.kid
    }).pipe(Semaphore.withPermit(lock))

    const reload = Effect.flatMap(loadRing, (loaded) => Ref.set(ring, loaded)).pipe(Semaphore.withPermit(lock))

    const keyFor = (kid: string, now: number): Effect.Effect<CryptoKey, SessionRejected> =>
      Effect.flatMap(Ref.get(ring), ({ current, retired }) => {
        if (current.record.kid === kid) return Effect.succeed(current.publicKey)
        const key = retired.find((candidate) => candidate.record.kid === kid)
        return key !== undefined && stillVerifies(key.record, now)
          ? Effect.succeed(key.publicKey)
          : Effect.fail(rejected("UnknownKey"))
      })

    const issue = (session: Session): Effect.Effect<string, SessionRejected> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        if (session.revokedAt !== undefined)
          return yield* Effect.fail(rejected("InvalidRequest", "session is revoked", session.id))
        if (session.expiresAt <= now)
          return yield* Effect.fail(rejected("InvalidRequest", "session has expired", session.id))
        if (session.expiresAt - now > settings.maxTokenTtlMs) {
          return yield* Effect.fail(
            rejected("InvalidRequest", "session outlives the longest token lifetime", session.id)
          )
        }
        const { current } = yield* Ref.get(ring)
        return yield* Effect.promise(() =>
          new SignJWT({ sid: session.id })
            .setProtectedHeader({ alg: sessionTokenAlgorithm, kid: current.record.kid, typ: sessionTokenType })
            .setIssuer(settings.issuer)
            .setAudience(serverAudience === undefined ? settings.audience : [settings.audience, serverAudience])
            .setSubject(session.principalId)
            .setJti(randomUUID())
            .setIssuedAt(Math.floor(now / 1_000))
            // Rounded down: the token never outlives its session.
            .setExpirationTime(Math.floor(session.expiresAt / 1_000))
            .sign(current.privateKey)
        )
      })

    const verify = (token: string): Effect.Effect<SessionTokenClaims, SessionRejected> =>
      Effect.gen(function* () {
        if (typeof token !== "string" || token.length > settings.maxTokenLength || !compactJws.test(token)) {
          return yield* Effect.fail(rejected("MalformedToken"))
        }
        const header = yield* Effect.try({
          try: () => Schema.decodeUnknownSync(TokenHeader)(decodeProtectedHeader(token)),
          catch: () => rejected("MalformedToken", "unreadable header")
        })
        // Decided from the header before any key is touched: `none`, HMAC and every other algorithm are out.
        if (header.alg !== sessionTokenAlgorithm) return yield* Effect.fail(rejected("UnsupportedAlgorithm"))
        if (header.kid === undefined) return yield* Effect.fail(rejected("UnknownKey"))
        const now = yield* Clock.currentTimeMillis
        const key = yield* keyFor(header.kid, now)
        const { payload } = yield* Effect.tryPromise({
          try: () =>
            jwtVerify(token, key, {
              algorithms: [sessionTokenAlgorithm],
              typ: sessionTokenType,
              issuer: settings.issuer,
              audience: serverAudience ?? settings.audience,
              requiredClaims: ["iss", "aud", "sub", "sid", "jti", "iat", "exp"],
              currentDate: new Date(now),
              clockTolerance: Math.floor(settings.clockSkewMs / 1_000),
              // Also refuses an `iat` in the future (beyond the skew).
              maxTokenAge: Math.ceil(settings.maxTokenTtlMs / 1_000)
            }),
          catch: fromJoseError
        })
        return yield* Schema.decodeUnknownEffect(SessionTokenClaims)(payload).pipe(
          Effect.mapError((error) => rejected("MalformedToken", `claims: ${error.message}`))
        )
      })

    return {
      issue,
      verify,
      rotate,
      reload,
      currentKeyId: Effect.map(Ref.get(ring), ({ current }) => current.record.kid),
      publicKeys: Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const { current, retired } = yield* Ref.get(ring)
        const live = [current, ...retired.filter((key) => stillVerifies(key.record, now))]
        return {
          keys: live.map(({ record }) => ({
            ...record.publicJwk,
            kid: record.kid,
            alg: sessionTokenAlgorithm,
            use: "sig" as const
          }))
        }
      }),
      maxTokenTtlMs: settings.maxTokenTtlMs
    }
  })

/** The session token service. */
export class SessionTokens extends Context.Service<SessionTokens, SessionTokensShape>()(
  "@coderclaw/security/SessionTokens"
) {
  /** The service over the `SigningKeyStore` in context. */
  static readonly layer = (
    options: SessionTokensOptions
  ): Layer.Layer<SessionTokens, SessionRejected, SigningKeyStore> =>
    Layer.effect(SessionTokens, makeSessionTokens(options))
}

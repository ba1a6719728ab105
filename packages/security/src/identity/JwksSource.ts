import { Result, Schema } from "effect"
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters
} from "jose"

/** A JWKS given inline (`{ keys: [...] }`), e.g. keys pinned in configuration or generated in tests. */
export const LocalJwks = Schema.Struct({
  keys: Schema.Array(Schema.Record(Schema.String, Schema.Unknown)).pipe(Schema.check(Schema.isMinLength(1)))
})
export type LocalJwks = typeof LocalJwks.Type

/**
 * A JWKS fetched from `url` (HTTPS; plain HTTP only to a loopback host) and cached: keys are reused
 * for `cacheMaxAgeMs` (default 10 minutes); a token naming a `kid` the cache lacks triggers a refetch
 * only when `cooldownMs` (default 30 s) has passed since the last fetch, so a flood of forged `kid`s
 * costs the issuer at most one request per cooldown. `timeoutMs` (default 5 s) bounds each fetch.
 * The cache follows the wall clock, not Effect's `Clock`.
 */
export const RemoteJwks = Schema.Struct({
  url: Schema.String,
  cacheMaxAgeMs: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))),
  cooldownMs: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))),
  timeoutMs: Schema.optionalKey(
    Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1), Schema.isLessThanOrEqualTo(60_000)))
  )
})
export type RemoteJwks = typeof RemoteJwks.Type

/** Where a verifier takes its public keys from: inline keys or a JWKS URL. */
export const JwksSource = Schema.Union([LocalJwks, RemoteJwks])
export type JwksSource = typeof JwksSource.Type

/** Resolves the verification key for a token's protected header (jose's key-resolver shape). */
export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"])

/**
 * Builds the key resolver of a JWKS source, or the reasons it cannot be used. Remote URLs must be
 * `https:`; `http:` is accepted only for loopback hosts (local test servers, sidecars), because keys
 * fetched in clear text could be swapped by anyone on the path.
 */
export const keyResolverFor = (source: JwksSource): Result.Result<KeyResolver, Array<string>> => {
  if ("keys" in source) {
    try {
      return Result.succeed(createLocalJWKSet(source as unknown as JSONWebKeySet))
    } catch {
      return Result.fail(["jwks.keys: not a valid JSON Web Key Set"])
    }
  }
  let url: URL
  try {
    url = new URL(source.url)
  } catch {
    return Result.fail(["jwks.url: not a URL"])
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopbackHosts.has(url.hostname))) {
    return Result.fail(["jwks.url: must use https (plain http only to a loopback host)"])
  }
  if (url.username !== "" || url.password !== "") {
    return Result.fail(["jwks.url: must not carry credentials"])
  }
  return Result.succeed(
    createRemoteJWKSet(url, {
      ...(source.cacheMaxAgeMs === undefined ? {} : { cacheMaxAge: source.cacheMaxAgeMs }),
      ...(source.cooldownMs === undefined ? {} : { cooldownDuration: source.cooldownMs }),
      ...(source.timeoutMs === undefined ? {} : { timeoutDuration: source.timeoutMs })
    })
  )
}

import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"
import { Effect, Schema } from "effect"

const between = (min: number, max: number) =>
  Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(min), Schema.isLessThanOrEqualTo(max)))

/** The most memory one hash may need (128·N·r bytes): higher settings would let one login exhaust the host. */
const maxScryptMemoryBytes = 256 * 1024 * 1024

const memoryOf = (params: { readonly N: number; readonly r: number }): number => 128 * params.N * params.r

/**
 * scrypt's cost parameters: `N` (CPU/memory cost, a power of two), `r` (block size), `p` (parallelism) and
 * the derived key length in bytes. The bounds keep a setting (or a stored hash) from asking for more than
 * 256 MiB per hash, and refuse settings too weak to mean anything (N below 2^10).
 */
export const ScryptParams = Schema.Struct({
  N: between(1024, 1 << 20).pipe(
    Schema.check(Schema.makeFilter((n: number) => (n & (n - 1)) === 0, { expected: "a power of two" }))
  ),
  r: between(1, 32),
  p: between(1, 16),
  keyLength: between(16, 64)
}).pipe(
  Schema.check(
    Schema.makeFilter(
      (params: { readonly N: number; readonly r: number }) => memoryOf(params) <= maxScryptMemoryBytes,
      {
        expected: "at most 256 MiB of scrypt memory (128·N·r)"
      }
    )
  )
)
export type ScryptParams = typeof ScryptParams.Type

const isScryptParams = Schema.is(ScryptParams)

/**
 * The default cost: N=2^15, r=8, p=3, a 32-byte key. This is one of OWASP's equivalent scrypt settings
 * (memory traded for time), needing 32 MiB per hash instead of the 128 MiB of N=2^17, so a burst of logins
 * cannot exhaust a small host. Raise it through `LocalUsers` options; old hashes keep verifying and are
 * re-hashed at their next successful login.
 */
export const defaultScryptParams: ScryptParams = { N: 32_768, r: 8, p: 3, keyLength: 32 }

/** Bytes of random salt in every new hash. */
export const saltLength = 16

const hashPattern =
  /^scrypt\$N=([0-9]{1,8}),r=([0-9]{1,3}),p=([0-9]{1,3})\$([A-Za-z0-9_-]{22,86})\$([A-Za-z0-9_-]{22,86})$/

/**
 * A stored password hash: `scrypt$N=<N>,r=<r>,p=<p>$<salt>$<hash>`, salt and hash in base64url without
 * padding. The parameters travel with the hash, so raising them later does not break existing accounts.
 * The schema checks the shape; `parsePasswordHash` also checks the parameters' bounds.
 */
export const PasswordHash = Schema.String.pipe(
  Schema.check(Schema.isPattern(hashPattern, { expected: "a scrypt password hash (scrypt$N=…,r=…,p=…$salt$hash)" }))
)
export type PasswordHash = typeof PasswordHash.Type

/** A stored hash taken apart. `params.keyLength` is the stored hash's length. */
export interface ParsedPasswordHash {
  readonly params: ScryptParams
  readonly salt: Buffer
  readonly hash: Buffer
}

/** Takes a stored hash apart; `undefined` when it is not a well-formed scrypt hash within the allowed bounds. */
export const parsePasswordHash = (encoded: string): ParsedPasswordHash | undefined => {
  const match = hashPattern.exec(encoded)
  if (match === null) return undefined
  const [, n, r, p, salt, hash] = match as unknown as [string, string, string, string, string, string]
  const saltBytes = Buffer.from(salt, "base64url")
  const hashBytes = Buffer.from(hash, "base64url")
  const params = { N: Number(n), r: Number(r), p: Number(p), keyLength: hashBytes.length }
  if (!isScryptParams(params) || saltBytes.length < saltLength || saltBytes.length > 64) return undefined
  return { params, salt: saltBytes, hash: hashBytes }
}

/** Writes a hash in the stored format. */
export const formatPasswordHash = (params: Omit<ScryptParams, "keyLength">, salt: Uint8Array, hash: Uint8Array) =>
  `scrypt$N=${params.N},r=${params.r},p=${params.p}$${Buffer.from(salt).toString("base64url")}$${Buffer.from(hash).toString("base64url")}`

// Passwords are compared after Unicode NFC normalisation, so the same password typed on two keyboards that
// compose accents differently still matches.
const normalise = (password: string): string => password.normalize("NFC")

// scrypt runs on libuv's thread pool: the event loop stays free while a hash is computed.
const derive = (password: string, salt: Uint8Array, params: ScryptParams): Effect.Effect<Buffer> =>
  Effect.callback<Buffer>((resume) => {
    scrypt(
      normalise(password),
      salt,
      params.keyLength,
      { N: params.N, r: params.r, p: params.p, maxmem: 2 * memoryOf(params) },
      (error, key) => resume(error === null ? Effect.succeed(key) : Effect.die(error))
    )
  })

/**
 * Hashes a password with a fresh 16-byte random salt. The parameters must satisfy `ScryptParams` (the
 * `LocalUsers` service decodes its options, so this holds there); out-of-range parameters are a defect.
 */
export const hashPassword = (password: string, params: ScryptParams = defaultScryptParams): Effect.Effect<string> =>
  Effect.suspend(() => {
    if (!isScryptParams(params)) return Effect.die(new RangeError("scrypt parameters out of range"))
    const salt = randomBytes(saltLength)
    return Effect.map(derive(password, salt, params), (hash) => formatPasswordHash(params, salt, hash))
  })

/**
 * Whether `password` matches a stored hash, compared in constant time. A hash that does not parse never
 * matches; use `parsePasswordHash` first where that must be told apart.
 */
export const verifyPasswordHash = (password: string, encoded: string): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    const parsed = parsePasswordHash(encoded)
    if (parsed === undefined) return Effect.succeed(false)
    return Effect.map(derive(password, parsed.salt, parsed.params), (candidate) =>
      timingSafeEqual(candidate, parsed.hash)
    )
  })

/**
 * Whether a stored hash was made with other parameters than `params` (or does not parse), i.e. should be
 * replaced by a fresh hash once the password is known again.
 */
export const needsRehash = (encoded: string, params: ScryptParams): boolean => {
  const parsed = parsePasswordHash(encoded)
  return (
    parsed === undefined ||
    parsed.params.N !== params.N ||
    parsed.params.r !== params.r ||
    parsed.params.p !== params.p ||
    parsed.params.keyLength !== params.keyLength ||
    parsed.salt.length !== saltLength
  )
}

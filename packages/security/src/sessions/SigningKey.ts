import { Timestamp } from "@coderclaw/protocol"
import { Schema } from "effect"

// An Ed25519 key or point is 32 bytes: 43 base64url characters without padding.
const Base64Url32 = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[A-Za-z0-9_-]{43}$/, { expected: "32 bytes in base64url without padding" }))
)

/** An Ed25519 public key as a JWK (RFC 8037): `{ kty: "OKP", crv: "Ed25519", x }`. */
export const Ed25519PublicJwk = Schema.Struct({
  kty: Schema.Literal("OKP"),
  crv: Schema.Literal("Ed25519"),
  x: Base64Url32
})
export type Ed25519PublicJwk = typeof Ed25519PublicJwk.Type

/** An Ed25519 private key as a JWK: the public fields plus the secret `d`. */
export const Ed25519PrivateJwk = Schema.Struct({
  kty: Schema.Literal("OKP"),
  crv: Schema.Literal("Ed25519"),
  x: Base64Url32,
  d: Base64Url32
})
export type Ed25519PrivateJwk = typeof Ed25519PrivateJwk.Type

/** A key id: the key's RFC 7638 JWK thumbprint (SHA-256, base64url), so equal keys have equal ids. */
export const SigningKeyId = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[A-Za-z0-9_-]{1,128}$/, { expected: "a key id (base64url, at most 128)" }))
)

/**
 * One session-signing key as a `SigningKeyStore` keeps it: one plain row. The current key has a
 * `privateJwk` and no `retiredAt`; a key retired by `rotate()` keeps only its public half and still verifies
 * tokens until `retiredAt` plus the longest token lifetime (and clock skew), after which it is deleted.
 * `privateJwk` is secret: a durable store should keep it where only the runtime can read it.
 */
export const SigningKeyRecord = Schema.Struct({
  kid: SigningKeyId,
  publicJwk: Ed25519PublicJwk,
  privateJwk: Schema.optionalKey(Ed25519PrivateJwk),
  createdAt: Timestamp,
  retiredAt: Schema.optionalKey(Timestamp)
})
export type SigningKeyRecord = typeof SigningKeyRecord.Type

import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto"
import type { DeviceProof } from "@coderclaw/protocol"
import { Effect, Result, Schema } from "effect"
import { assembleDeviceProof, deviceProofBytes } from "./assembleDeviceProof.js"
import { DeviceKeyError } from "./DeviceKeyError.js"
import { deviceIdOf } from "./deviceIdOf.js"
import { decodeBase64Url } from "./internal/base64url.js"
import { decodeDevicePublicKey } from "./internal/devicePublicKey.js"

/**
 * A device's Ed25519 key pair and the id derived from it. The private key is a Node `KeyObject`, which
 * never shows its bytes when logged; write it to disk only through `exportDeviceKey`.
 */
export interface DeviceKey {
  readonly deviceId: string
  /** The raw 32-byte public key, base64url without padding: what goes into `DeviceProof.publicKey`. */
  readonly publicKey: string
  readonly privateKey: KeyObject
}

/**
 * A device key as a private JWK (RFC 8037): the form a CLI keeps in a file (create it with mode 0600; the
 * `d` member is the secret). `kid` is the device id, written for people reading the file and checked on
 * import.
 */
export const DeviceKeyJwk = Schema.Struct({
  kty: Schema.Literal("OKP"),
  crv: Schema.Literal("Ed25519"),
  x: Schema.String,
  d: Schema.String,
  kid: Schema.optionalKey(Schema.String)
})
export type DeviceKeyJwk = typeof DeviceKeyJwk.Type

const decodeJwk = Schema.decodeUnknownResult(DeviceKeyJwk)

const publicKeyOf = (privateKey: KeyObject): string => {
  const jwk = createPublicKey(privateKey).export({ format: "jwk" })
  if (typeof jwk.x !== "string") throw new Error("Ed25519 public JWK without x")
  return jwk.x
}

const deviceKeyFrom = (privateKey: KeyObject): DeviceKey => {
  const publicKey = publicKeyOf(privateKey)
  const raw = decodeDevicePublicKey(publicKey)
  if (raw === undefined) throw new Error("Ed25519 public key is not 32 bytes")
  return { deviceId: deviceIdOf(raw), publicKey, privateKey }
}

/** A new device: a fresh Ed25519 key pair from the system's secure random source. */
export const generateDeviceKey = (): DeviceKey => deviceKeyFrom(generateKeyPairSync("ed25519").privateKey)

/** The key as a private JWK to store (see `DeviceKeyJwk`); `importDeviceKey` reads it back. */
export const exportDeviceKey = (key: DeviceKey): DeviceKeyJwk => {
  const jwk = key.privateKey.export({ format: "jwk" })
  if (typeof jwk.d !== "string") throw new Error("device private key has no d member")
  return { kty: "OKP", crv: "Ed25519", x: key.publicKey, d: jwk.d, kid: key.deviceId }
}

/**
 * Loads a key written by `exportDeviceKey` (parsed JSON, `unknown` because it comes from a file). Refuses
 * anything that is not an Ed25519 private JWK (`malformed`) and a file whose `x` or `kid` does not match
 * its private key (`key_mismatch`). Extra JWK members (`alg`, `use`) are ignored.
 */
export const importDeviceKey = (jwk: unknown): Effect.Effect<DeviceKey, DeviceKeyError> =>
  Effect.suspend(() => {
    const decoded = decodeJwk(jwk)
    if (Result.isFailure(decoded)) {
      return Effect.fail(new DeviceKeyError({ reason: "Malformed", detail: "not an Ed25519 private JWK" }))
    }
    const { x, d, kid } = decoded.success
    if (decodeBase64Url(d)?.length !== 32) {
      return Effect.fail(new DeviceKeyError({ reason: "Malformed", detail: "d is not 32 bytes of base64url" }))
    }
    if (decodeDevicePublicKey(x) === undefined) {
      return Effect.fail(new DeviceKeyError({ reason: "Malformed", detail: "x is not 32 bytes of base64url" }))
    }
    let key: DeviceKey
    try {
      key = deviceKeyFrom(createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", x, d }, format: "jwk" }))
    } catch {
      return Effect.fail(new DeviceKeyError({ reason: "Malformed", detail: "not a usable Ed25519 private key" }))
    }
    if (key.publicKey !== x) {
      return Effect.fail(new DeviceKeyError({ reason: "KeyMismatch", detail: "x is not the private key's public key" }))
    }
    if (kid !== undefined && kid !== key.deviceId) {
      return Effect.fail(new DeviceKeyError({ reason: "KeyMismatch", detail: "kid is not the key's device id" }))
    }
    return Effect.succeed(key)
  })

/** What one connection's proof covers besides the key: the server's nonce, the scopes asked for, the time. */
export interface DeviceProofRequest {
  /** The nonce of the server's `connect.challenge` on this connection. */
  readonly nonce: string
  readonly scopes: ReadonlyArray<string>
  /** The signing time in ms since the epoch; the server refuses it outside its clock skew. */
  readonly now: number
}

/** Signs a proof of possession for one connection: the `device` member of `connect` params. */
export const signDeviceProof = (key: DeviceKey, request: DeviceProofRequest): DeviceProof => {
  const signedAt = Math.floor(request.now)
  const claims = { nonce: request.nonce, deviceId: key.deviceId, signedAt, scopes: request.scopes }
  const signature = sign(null, deviceProofBytes(claims), key.privateKey)
  return assembleDeviceProof({
    deviceId: key.deviceId,
    publicKey: key.publicKey,
    signedAt,
    scopes: request.scopes,
    signature
  })
}

/**
 * A signer in the shape the WebSocket client takes (`(nonce) => DeviceProof`): signs each connection's
 * nonce with `key`, asking for `scopes`, at `now()` (the client's clock; `Date.now` unless given).
 */
export const deviceProofSigner =
  (
    key: DeviceKey,
    options: { readonly scopes: ReadonlyArray<string>; readonly now?: (() => number) | undefined }
  ): ((nonce: string) => DeviceProof) =>
  (nonce) =>
    signDeviceProof(key, { nonce, scopes: options.scopes, now: (options.now ?? Date.now)() })

import { type DeviceProof, type DeviceProofClaims, deviceProofPayload } from "@coderclaw/protocol"
import { encodeBase64Url } from "./internal/base64url.js"

/**
 * The exact bytes a device signs for one connection: UTF-8 of `deviceProofPayload(claims)`. Free of Node
 * APIs, so a browser client can sign them with WebCrypto (`crypto.subtle.sign("Ed25519", key, bytes)`)
 * and hand the signature to `assembleDeviceProof`.
 */
export const deviceProofBytes = (claims: DeviceProofClaims): Uint8Array<ArrayBuffer> =>
  new TextEncoder().encode(deviceProofPayload(claims))

/** What `assembleDeviceProof` puts together: the signed claims (minus the nonce) and the raw signature. */
export interface DeviceProofParts {
  readonly deviceId: string
  /** The raw 32-byte Ed25519 public key, base64url without padding. */
  readonly publicKey: string
  readonly signedAt: number
  readonly scopes: ReadonlyArray<string>
  /** The 64-byte Ed25519 signature over `deviceProofBytes` of the same claims and the connection's nonce. */
  readonly signature: Uint8Array
}

/**
 * The wire `DeviceProof` from a signature made elsewhere (WebCrypto, a hardware key, a Node `KeyObject`).
 * Runs anywhere; with a Node key, `signDeviceProof` does both steps at once.
 */
export const assembleDeviceProof = (parts: DeviceProofParts): DeviceProof => ({
  deviceId: parts.deviceId,
  algorithm: "ed25519",
  publicKey: parts.publicKey,
  signature: encodeBase64Url(parts.signature),
  signedAt: parts.signedAt,
  scopes: [...parts.scopes]
})

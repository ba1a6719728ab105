import { decodeBase64Url } from "./base64url.js"

/** The length of a raw Ed25519 public key. */
export const ed25519PublicKeyLength = 32

/** The length of an Ed25519 signature. */
export const ed25519SignatureLength = 64

/** The raw 32 bytes of a base64url Ed25519 public key, or `undefined` when it is not exactly that. */
export const decodeDevicePublicKey = (publicKey: string): Uint8Array | undefined => {
  const raw = decodeBase64Url(publicKey)
  return raw?.length === ed25519PublicKeyLength ? raw : undefined
}

import { createHash } from "node:crypto"
import { encodeBase64Url } from "./internal/base64url.js"

/** Every device id starts with this prefix, so ids are recognisable in logs and audit entries. */
export const deviceIdPrefix = "dev_"

/** How many bytes of the SHA-256 digest a device id keeps: 24 bytes (192 bits), 32 base64url characters. */
export const deviceIdDigestBytes = 24

/**
 * The id of the device holding an Ed25519 key: `dev_` followed by the base64url (no padding) of the first
 * 24 bytes of SHA-256 over the raw 32-byte public key, e.g. `dev_3q2-7wLm…` (36 characters in all).
 *
 * The id is derived, never chosen, so a device cannot claim another device's id without its key; 192 bits
 * keep collisions out of reach while the id stays short enough to read out. Clients in other languages
 * reproduce it from this description.
 */
export const deviceIdOf = (rawPublicKey: Uint8Array): string =>
  deviceIdPrefix + encodeBase64Url(createHash("sha256").update(rawPublicKey).digest().subarray(0, deviceIdDigestBytes))

import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * Why a device operation failed. One closed set for the whole device-trust domain; `operation` says which
 * step it came from.
 *
 * Proof checks on connect (`operation: "proof"`):
 * - `unknown_algorithm`: `algorithm` is not `ed25519`.
 * - `malformed`: not a `DeviceProof`, or the key is not 32 bytes / the signature not 64 bytes of base64url.
 * - `id_mismatch`: `deviceId` is not the id derived from `publicKey` (see `deviceIdOf`).
 * - `bad_signature`: the signature does not cover this connection's nonce with these device id, time and
 *   scopes: signed for another connection, or altered after signing.
 * - `stale`: `signedAt` is further behind the server's clock than `maxClockSkewMs`, or further ahead than
 *   `maxFutureSkewMs`.
 * - `replayed`: a proof for this nonce was already accepted.
 * - `replay_cache_full`: so many proofs were accepted within the freshness window that no more nonces can
 *   be remembered without forgetting live ones; the connection may retry shortly.
 *
 * Pairing, decisions and revocation (`operation: "pairing"`):
 * - `not_found`: no such pairing request or device.
 * - `ambiguous`: a device id names several pending requests (of different principals): name the request.
 * - `expired`: the request's time ran out before a decision; the device must ask again.
 * - `not_permitted`: the operator holds neither `device:approve` nor `admin:all`.
 * - `already_decided`: the request was already approved or rejected.
 * - `key_mismatch`: the public key is not a 32-byte Ed25519 key, or the device id is not derived from it.
 * - `already_paired`: the device is already paired (to this principal or another one).
 * - `invalid_name`: the device name is empty, longer than 64 characters, or holds control characters.
 * - `too_many_requests`: the principal, or the address the request came from, already has the most
 *   pending requests allowed; wait for a decision or for one to expire.
 *
 * Both:
 * - `revoked`: the device was revoked; its proofs are refused and a revoked key never pairs again
 *   (generate a new one).
 *
 * The store (`operation: "store"`):
 * - `unavailable`: the device store could not be read or written (retry later).
 * - `corrupt`: a stored row does not decode as a device or pairing request.
 */
export const DeviceErrorReason = Schema.Literals([
  "Malformed",
  "IdMismatch",
  "BadSignature",
  "Stale",
  "Replayed",
  "Revoked",
  "UnknownAlgorithm",
  "ReplayCacheFull",
  "NotFound",
  "Ambiguous",
  "Expired",
  "NotPermitted",
  "AlreadyDecided",
  "KeyMismatch",
  "AlreadyPaired",
  "InvalidName",
  "TooManyRequests",
  "Unavailable",
  "Corrupt"
])
export type DeviceErrorReason = typeof DeviceErrorReason.Type

/** Which device operation failed: a connection's proof, a pairing operation, or the store under both. */
export const DeviceOperation = Schema.Literals(["proof", "pairing", "store"])
export type DeviceOperation = typeof DeviceOperation.Type

/**
 * A device operation was refused or failed; nothing changed. `deviceId` is set when the input named one
 * (for a proof, not trustworthy unless the reason comes after the signature check: `stale`, `replayed`,
 * `revoked`); `requestId` when a pairing request was named. A proof failure maps to the wire's
 * `Unauthenticated` (`device_proof_failed`, or `revoked`); `detail` is for logs, not for clients.
 */
export class DeviceError extends Schema.TaggedError<DeviceError>()("DeviceError", {
  operation: DeviceOperation,
  reason: DeviceErrorReason,
  requestId: Schema.optionalKey(Schema.String),
  deviceId: Schema.optionalKey(Schema.String),
  detail: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    const detail = this.detail === undefined ? "" : `: ${this.detail}`
    const reason = reasonWords(this.reason)
    if (this.operation === "store") return `Device store ${reason}${detail}`
    if (this.operation === "proof") {
      const device = this.deviceId === undefined ? "" : ` for device ${this.deviceId}`
      return `Device proof rejected${device}: ${reason}${detail}`
    }
    const subject =
      this.requestId !== undefined
        ? ` (request ${this.requestId})`
        : this.deviceId !== undefined
          ? ` (device ${this.deviceId})`
          : ""
    return `Device pairing failed${subject}: ${reason}${detail}`
  }
}

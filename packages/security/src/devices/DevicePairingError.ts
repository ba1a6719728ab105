import { Schema } from "effect"

/**
 * Why a pairing operation failed:
 * - `not_found`: no such pairing request or device.
 * - `expired`: the request's time ran out before a decision; the device must ask again.
 * - `not_permitted`: the operator holds neither `device:approve` nor `admin:all`.
 * - `already_decided`: the request was already approved or rejected.
 * - `key_mismatch`: the public key is not a 32-byte Ed25519 key, or the device id is not derived from it.
 * - `revoked`: the device was revoked; a revoked key never pairs again (generate a new one).
 * - `already_paired`: the device is already paired (to this principal or another one).
 * - `invalid_name`: the device name is empty, longer than 64 characters, or holds control characters.
 * - `too_many_requests`: the principal, or the address the request came from, already has the most
 *   pending requests allowed; wait for a decision or for one to expire.
 */
export const DevicePairingErrorReason = Schema.Literals([
  "not_found",
  "expired",
  "not_permitted",
  "already_decided",
  "key_mismatch",
  "revoked",
  "already_paired",
  "invalid_name",
  "too_many_requests"
])
export type DevicePairingErrorReason = typeof DevicePairingErrorReason.Type

/** A pairing request, decision or revocation was refused; nothing changed. */
export class DevicePairingError extends Schema.TaggedError<DevicePairingError>()("DevicePairingError", {
  reason: DevicePairingErrorReason,
  requestId: Schema.optionalKey(Schema.String),
  deviceId: Schema.optionalKey(Schema.String),
  detail: Schema.optionalKey(Schema.String)
}) {
  override get message(): string {
    const subject =
      this.requestId !== undefined
        ? ` (request ${this.requestId})`
        : this.deviceId !== undefined
          ? ` (device ${this.deviceId})`
          : ""
    const detail = this.detail === undefined ? "" : `: ${this.detail}`
    return `Device pairing failed${subject}: ${this.reason.replaceAll("_", " ")}${detail}`
  }
}

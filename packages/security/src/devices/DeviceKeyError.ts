import { Schema } from "effect"
import { reasonWords } from "../internal/reasonWords.js"

/**
 * A stored device key could not be loaded. `malformed`: not an Ed25519 private JWK (wrong fields, bad
 * base64url, wrong lengths). `key_mismatch`: the public half (`x`) or the id (`kid`) written beside the
 * private key does not belong to it, i.e. the file was edited or mixed up with another device's.
 */
export class DeviceKeyError extends Schema.TaggedError<DeviceKeyError>()("DeviceKeyError", {
  reason: Schema.Literals(["Malformed", "KeyMismatch"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `Device key ${reasonWords(this.reason)}: ${this.detail}`
  }
}

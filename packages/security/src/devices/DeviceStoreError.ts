import { Schema } from "effect"

/**
 * The device store failed. `unavailable`: it could not be read or written (retry later). `corrupt`: a stored
 * row does not decode as a device or pairing request.
 */
export class DeviceStoreError extends Schema.TaggedError<DeviceStoreError>()("DeviceStoreError", {
  reason: Schema.Literals(["unavailable", "corrupt"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `Device store ${this.reason}: ${this.detail}`
  }
}

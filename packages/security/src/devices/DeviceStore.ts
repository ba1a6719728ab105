import { Context, type Effect, type Option } from "effect"
import type { DeviceError } from "./DeviceError.js"
import type { DevicePairingRequest, DevicePairingRequestStatus } from "./DevicePairingRequest.js"
import type { DeviceRecord } from "./DeviceRecord.js"

/** Which pairing requests `listPairingRequests` returns; every given field must match. */
export interface DevicePairingRequestFilter {
  readonly status?: DevicePairingRequestStatus | undefined
  readonly deviceId?: string | undefined
}

/** Which devices `listDevices` returns; every given field must match. */
export interface DeviceFilter {
  readonly principalId?: string | undefined
}

/**
 * The decision on a pending pairing request, written in one step with what it implies: an approval also
 * stores the paired device.
 */
export type DevicePairingDecision =
  | {
      readonly requestId: string
      readonly status: "approved"
      readonly decidedAt: number
      readonly decidedBy: string
      readonly device: DeviceRecord
    }
  | {
      readonly requestId: string
      readonly status: "rejected"
      readonly decidedAt: number
      readonly decidedBy: string
      readonly reason?: string | undefined
    }

/**
 * What `decidePairingRequest` did: `decided`, or nothing because the request was no longer pending
 * (`not_pending`, also for an unknown id) or, for an approval, a row for the device exists already, paired
 * or revoked (`device_exists`): a device is paired once, to one principal.
 */
export type DevicePairingDecisionOutcome = "decided" | "not_pending" | "device_exists"

/**
 * Storage of devices and pairing requests: plain rows keyed by `deviceId` and by request `id`.
 * `decidePairingRequest` is the one compound write and must be atomic (one transaction: update the request
 * where `status = 'pending'`; for an approval, in the same transaction, refuse if a row for the device
 * exists, else insert it), so two operators deciding at once cannot both win.
 */
export interface DeviceStoreShape {
  getDevice(deviceId: string): Effect.Effect<Option.Option<DeviceRecord>, DeviceError>
  /** Devices matching the filter, oldest pairing first. */
  listDevices(filter: DeviceFilter): Effect.Effect<ReadonlyArray<DeviceRecord>, DeviceError>
  /** Inserts or replaces the device with this `deviceId`. */
  putDevice(device: DeviceRecord): Effect.Effect<void, DeviceError>
  getPairingRequest(id: string): Effect.Effect<Option.Option<DevicePairingRequest>, DeviceError>
  /** Requests matching the filter, oldest first (by `requestedAt`, then `id`). */
  listPairingRequests(
    filter: DevicePairingRequestFilter
  ): Effect.Effect<ReadonlyArray<DevicePairingRequest>, DeviceError>
  /** Stores a new request; its `id` is fresh. */
  insertPairingRequest(request: DevicePairingRequest): Effect.Effect<void, DeviceError>
  /** Decides a pending request atomically (see the interface's description). */
  decidePairingRequest(decision: DevicePairingDecision): Effect.Effect<DevicePairingDecisionOutcome, DeviceError>
  /** Deletes every request, decided or not, whose `expiresAt` is before `time`; answers how many. */
  deletePairingRequestsExpiredBefore(time: number): Effect.Effect<number, DeviceError>
}

/** The device store service. Provide `InMemoryDeviceStore.layer`, or a durable store's layer. */
export class DeviceStore extends Context.Service<DeviceStore, DeviceStoreShape>()("@coderclaw/security/DeviceStore") {}

import { Effect, Layer, Option } from "effect"
import type { DevicePairingRequest } from "./DevicePairingRequest.js"
import type { DeviceRecord } from "./DeviceRecord.js"
import { DeviceStore, type DeviceStoreShape } from "./DeviceStore.js"

const byRequestedAt = (a: DevicePairingRequest, b: DevicePairingRequest) =>
  a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * A device store held in memory: gone with the process. For tests and local runs; every write is applied
 * synchronously, so `decidePairingRequest` is atomic here.
 */
export const makeInMemoryDeviceStore = (): DeviceStoreShape => {
  const devices = new Map<string, DeviceRecord>()
  const requests = new Map<string, DevicePairingRequest>()

  return {
    getDevice: (deviceId) => Effect.sync(() => Option.fromNullishOr(devices.get(deviceId))),
    listDevices: (filter) =>
      Effect.sync(() =>
        [...devices.values()]
          .filter((device) => filter.principalId === undefined || device.principalId === filter.principalId)
          .sort((a, b) => a.pairedAt - b.pairedAt)
      ),
    putDevice: (device) =>
      Effect.sync(() => {
        devices.set(device.deviceId, device)
      }),
    getPairingRequest: (id) => Effect.sync(() => Option.fromNullishOr(requests.get(id))),
    listPairingRequests: (filter) =>
      Effect.sync(() =>
        [...requests.values()]
          .filter(
            (request) =>
              (filter.status === undefined || request.status === filter.status) &&
              (filter.deviceId === undefined || request.deviceId === filter.deviceId)
          )
          .sort(byRequestedAt)
      ),
    insertPairingRequest: (request) =>
      Effect.sync(() => {
        requests.set(request.id, request)
      }),
    decidePairingRequest: (decision) =>
      Effect.sync(() => {
        const request = requests.get(decision.requestId)
        if (request === undefined || request.status !== "pending") return "not_pending"
        const decided = { decidedAt: decision.decidedAt, decidedBy: decision.decidedBy }
        if (decision.status === "approved") {
          if (devices.has(decision.device.deviceId)) return "device_exists"
          requests.set(request.id, { ...request, ...decided, status: "approved" })
          devices.set(decision.device.deviceId, decision.device)
        } else {
          requests.set(request.id, {
            ...request,
            ...decided,
            status: "rejected",
            ...(decision.reason === undefined ? {} : { reason: decision.reason })
          })
        }
        return "decided"
      }),
    deletePairingRequestsExpiredBefore: (time) =>
      Effect.sync(() => {
        let deleted = 0
        for (const [id, request] of requests) {
          if (request.expiresAt < time) {
            requests.delete(id)
            deleted++
          }
        }
        return deleted
      })
  }
}

/** Layers providing an in-memory `DeviceStore`. */
export const InMemoryDeviceStore = {
  /** A fresh, empty in-memory store per layer build. */
  layer: Layer.sync(DeviceStore, makeInMemoryDeviceStore)
}

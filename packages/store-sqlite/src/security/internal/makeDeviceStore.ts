import {
  DeviceError,
  type DevicePairingDecisionOutcome,
  DevicePairingRequest,
  DeviceRecord,
  type DeviceStoreShape
} from "@coderclaw/security"
import { Option } from "effect"
import type { SqliteConnection } from "../../internal/driver/SqliteConnection.js"
import { rowDecoder, rowObject, UnreadableRow } from "./rowValues.js"
import { storeAttempt } from "./storeAttempt.js"
import { writeTransaction } from "./writeTransaction.js"

/** A row of `security_devices`, as better-sqlite3 returns it. */
interface DeviceRow {
  readonly device_id: string
  readonly public_key: string
  readonly principal_id: string
  readonly name: string
  readonly status: string
  readonly paired_at: number
  readonly approved_by: string
  readonly revoked_at: number | null
  readonly revoked_by: string | null
}

/** A row of `security_pairing_requests`, as better-sqlite3 returns it. */
interface RequestRow {
  readonly id: string
  readonly device_id: string
  readonly public_key: string
  readonly principal_id: string
  readonly name: string
  readonly requested_at: number
  readonly expires_at: number
  readonly status: string
  readonly decided_at: number | null
  readonly decided_by: string | null
  readonly reason: string | null
}

const deviceColumns =
  "device_id, public_key, principal_id, name, status, paired_at, approved_by, revoked_at, revoked_by"
const requestColumns =
  "id, device_id, public_key, principal_id, name, requested_at, expires_at, status, decided_at, decided_by, reason"

const attempt = storeAttempt(
  DeviceError,
  (kind, detail) => new DeviceError({ operation: "store", reason: kind, detail })
)

const decodeDevice = rowDecoder(DeviceRecord)
const decodeRequest = rowDecoder(DevicePairingRequest)

const isError = (value: unknown): value is DeviceError => value instanceof DeviceError

const corrupt = (detail: string) => new DeviceError({ operation: "store", reason: "Corrupt", detail })

const deviceFromRow = (row: DeviceRow): DeviceRecord | DeviceError => {
  const device = decodeDevice(
    rowObject(
      {
        deviceId: row.device_id,
        publicKey: row.public_key,
        principalId: row.principal_id,
        name: row.name,
        status: row.status,
        pairedAt: row.paired_at,
        approvedBy: row.approved_by
      },
      { revokedAt: row.revoked_at, revokedBy: row.revoked_by }
    )
  )
  return device instanceof UnreadableRow ? corrupt(`the stored device ${row.device_id} ${device.detail}`) : device
}

const requestFromRow = (row: RequestRow): DevicePairingRequest | DeviceError => {
  const request = decodeRequest(
    rowObject(
      {
        id: row.id,
        deviceId: row.device_id,
        publicKey: row.public_key,
        principalId: row.principal_id,
        name: row.name,
        requestedAt: row.requested_at,
        expiresAt: row.expires_at,
        status: row.status
      },
      { decidedAt: row.decided_at, decidedBy: row.decided_by, reason: row.reason }
    )
  )
  return request instanceof UnreadableRow ? corrupt(`the stored pairing request ${row.id} ${request.detail}`) : request
}

const allOf = <Row, A>(rows: ReadonlyArray<Row>, decode: (row: Row) => A | DeviceError) => {
  const decoded: Array<A> = []
  for (const row of rows) {
    const value = decode(row)
    if (isError(value)) return value
    decoded.push(value)
  }
  return decoded
}

const optionalOf = <Row, A>(row: Row | undefined, decode: (row: Row) => A | DeviceError) => {
  if (row === undefined) return Option.none<A>()
  const value = decode(row)
  return isError(value) ? value : Option.some(value)
}

// The same order as the in-memory store: `requestedAt`, then `id` compared as JavaScript strings (UTF-16
// code units, which SQLite's byte order on UTF-8 text does not always match).
const byRequestedAt = (a: DevicePairingRequest, b: DevicePairingRequest) =>
  a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * The `DeviceStore` port on `security_devices` (keyed by `device_id`) and `security_pairing_requests` (keyed by
 * `id`). `putDevice` is an upsert that keeps the row in place, so devices paired in the same millisecond list
 * in the order they were first stored, as in memory. `decidePairingRequest` is one immediate transaction.
 * A value that would not read back is refused with `corrupt` and not stored.
 */
export const makeDeviceStore = (db: SqliteConnection): DeviceStoreShape => {
  const getDevice = db.prepare<[string], DeviceRow>(`SELECT ${deviceColumns} FROM security_devices WHERE device_id = ?`)
  const listDevices = db.prepare<[{ principalId: string | null }], DeviceRow>(
    `SELECT ${deviceColumns} FROM security_devices
     WHERE (@principalId IS NULL OR principal_id = @principalId)
     ORDER BY paired_at, rowid`
  )
  const deviceExists = db.prepare<[string], number>("SELECT 1 FROM security_devices WHERE device_id = ?").pluck()
  const putDevice = db.prepare<[string, string, string, string, string, number, string, number | null, string | null]>(
    `INSERT INTO security_devices (${deviceColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET
       public_key = excluded.public_key,
       principal_id = excluded.principal_id,
       name = excluded.name,
       status = excluded.status,
       paired_at = excluded.paired_at,
       approved_by = excluded.approved_by,
       revoked_at = excluded.revoked_at,
       revoked_by = excluded.revoked_by`
  )
  const getRequest = db.prepare<[string], RequestRow>(
    `SELECT ${requestColumns} FROM security_pairing_requests WHERE id = ?`
  )
  const listRequests = db.prepare<[{ status: string | null; deviceId: string | null }], RequestRow>(
    `SELECT ${requestColumns} FROM security_pairing_requests
     WHERE (@status IS NULL OR status = @status) AND (@deviceId IS NULL OR device_id = @deviceId)
     ORDER BY requested_at, id`
  )
  // The port's ids are fresh; a repeated one replaces the stored request, as in memory.
  const putRequest = db.prepare<
    [string, string, string, string, string, number, number, string, number | null, string | null, string | null]
  >(
    `INSERT INTO security_pairing_requests (${requestColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET
       device_id = excluded.device_id,
       public_key = excluded.public_key,
       principal_id = excluded.principal_id,
       name = excluded.name,
       requested_at = excluded.requested_at,
       expires_at = excluded.expires_at,
       status = excluded.status,
       decided_at = excluded.decided_at,
       decided_by = excluded.decided_by,
       reason = excluded.reason`
  )
  // Guarded by `status = 'pending'` even inside the transaction: the decision can never overwrite another one.
  const decideRequest = db.prepare<[string, number | null, string | null, string | null, string]>(
    `UPDATE security_pairing_requests
     SET status = ?, decided_at = ?, decided_by = ?, reason = coalesce(?, reason)
     WHERE id = ? AND status = 'pending'`
  )
  const deleteExpired = db.prepare<[number]>("DELETE FROM security_pairing_requests WHERE expires_at < ?")

  const storeDevice = (device: DeviceRecord): DeviceError | undefined => {
    const checked = decodeDevice({ ...device })
    if (checked instanceof UnreadableRow) return corrupt(`refused to store a device that ${checked.detail}`)
    putDevice.run(
      checked.deviceId,
      checked.publicKey,
      checked.principalId,
      checked.name,
      checked.status,
      checked.pairedAt,
      checked.approvedBy,
      checked.revokedAt ?? null,
      checked.revokedBy ?? null
    )
    return undefined
  }

  return {
    getDevice: (deviceId) => attempt("reading a device", () => optionalOf(getDevice.get(deviceId), deviceFromRow)),
    listDevices: (filter) =>
      attempt("listing devices", () =>
        allOf(listDevices.all({ principalId: filter.principalId ?? null }), deviceFromRow)
      ),
    putDevice: (device) => attempt("storing a device", () => storeDevice(device)),
    getPairingRequest: (id) =>
      attempt("reading a pairing request", () => optionalOf(getRequest.get(id), requestFromRow)),
    listPairingRequests: (filter) =>
      attempt("listing pairing requests", () => {
        const requests = allOf(
          listRequests.all({ status: filter.status ?? null, deviceId: filter.deviceId ?? null }),
          requestFromRow
        )
        return isError(requests) ? requests : requests.sort(byRequestedAt)
      }),
    insertPairingRequest: (request) =>
      attempt("storing a pairing request", () => {
        const checked = decodeRequest({ ...request })
        if (checked instanceof UnreadableRow)
          return corrupt(`refused to store a pairing request that ${checked.detail}`)
        putRequest.run(
          checked.id,
          checked.deviceId,
          checked.publicKey,
          checked.principalId,
          checked.name,
          checked.requestedAt,
          checked.expiresAt,
          checked.status,
          checked.decidedAt ?? null,
          checked.decidedBy ?? null,
          checked.reason ?? null
        )
        return undefined
      }),
    decidePairingRequest: (decision) =>
      attempt("deciding a pairing request", () =>
        writeTransaction(db, isError, (): DevicePairingDecisionOutcome | DeviceError => {
          const row = getRequest.get(decision.requestId)
          if (row === undefined) return "not_pending"
          const request = requestFromRow(row)
          if (isError(request)) return request
          if (request.status !== "pending") return "not_pending"
          // The request as it will be stored (built as the in-memory store builds it) must read back.
          const reason = decision.status === "rejected" ? decision.reason : undefined
          const decided = decodeRequest({
            ...request,
            status: decision.status,
            decidedAt: decision.decidedAt,
            decidedBy: decision.decidedBy,
            ...(reason === undefined ? {} : { reason })
          })
          if (decided instanceof UnreadableRow) return corrupt(`refused to store a decision that ${decided.detail}`)
          if (decision.status === "approved") {
            if (deviceExists.get(decision.device.deviceId) !== undefined) return "device_exists"
            const stored = storeDevice(decision.device)
            if (stored !== undefined) return stored
          }
          const { changes } = decideRequest.run(
            decided.status,
            decided.decidedAt ?? null,
            decided.decidedBy ?? null,
            reason ?? null,
            decision.requestId
          )
          if (changes === 1) return "decided"
          // Cannot happen while the write lock is held; refuse rather than keep a device whose request was not decided.
          return new DeviceError({
            operation: "store",
            reason: "Unavailable",
            detail: "the pairing request changed while being decided"
          })
        })
      ),
    deletePairingRequestsExpiredBefore: (time) =>
      attempt("deleting expired pairing requests", () => deleteExpired.run(time).changes)
  }
}

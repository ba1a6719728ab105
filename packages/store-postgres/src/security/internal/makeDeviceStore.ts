import {
  DeviceError,
  type DevicePairingDecision,
  type DevicePairingDecisionOutcome,
  DevicePairingRequest,
  DeviceRecord,
  type DeviceStoreShape,
  StoreRows
} from "@coderclaw/security"
import { Effect, Option } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { orFail, storeCall } from "./storeCall.js"

type Row = { readonly [column: string]: unknown }

const deviceColumns =
  "device_id, public_key, principal_id, name, status, paired_at, approved_by, revoked_at, revoked_by"
const requestColumns =
  "id, device_id, public_key, principal_id, name, requested_at, expires_at, status, decided_at, decided_by, reason"

const call = storeCall((kind, detail) => new DeviceError({ operation: "store", reason: kind, detail }))
const decodeDevice = StoreRows.rowDecoder(DeviceRecord)
const decodeRequest = StoreRows.rowDecoder(DevicePairingRequest)
const isError = (value: unknown): value is DeviceError => value instanceof DeviceError
const corrupt = (detail: string) => new DeviceError({ operation: "store", reason: "Corrupt", detail })
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value))

const deviceFromRow = (row: Row): DeviceRecord | DeviceError => {
  const device = decodeDevice(
    StoreRows.rowObject(
      {
        deviceId: row.device_id,
        publicKey: row.public_key,
        principalId: row.principal_id,
        name: row.name,
        status: row.status,
        pairedAt: Number(row.paired_at),
        approvedBy: row.approved_by
      },
      { revokedAt: numberOrNull(row.revoked_at), revokedBy: row.revoked_by }
    )
  )
  return device instanceof StoreRows.UnreadableRow
    ? corrupt(`the stored device ${String(row.device_id)} ${device.detail}`)
    : device
}

const requestFromRow = (row: Row): DevicePairingRequest | DeviceError => {
  const request = decodeRequest(
    StoreRows.rowObject(
      {
        id: row.id,
        deviceId: row.device_id,
        publicKey: row.public_key,
        principalId: row.principal_id,
        name: row.name,
        requestedAt: Number(row.requested_at),
        expiresAt: Number(row.expires_at),
        status: row.status
      },
      { decidedAt: numberOrNull(row.decided_at), decidedBy: row.decided_by, reason: row.reason }
    )
  )
  return request instanceof StoreRows.UnreadableRow
    ? corrupt(`the stored pairing request ${String(row.id)} ${request.detail}`)
    : request
}

const optionalOf = <A>(rows: ReadonlyArray<Row>, decode: (row: Row) => A | DeviceError) =>
  rows[0] === undefined ? Effect.succeed(Option.none<A>()) : Effect.map(orFail(isError, decode(rows[0])), Option.some)

// The same order as the in-memory store: `requestedAt`, then `id` compared as JavaScript strings.
const byRequestedAt = (a: DevicePairingRequest, b: DevicePairingRequest) =>
  a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The request as it will be stored once decided (built as the in-memory store builds it); it must read back. */
const decidedRequest = (
  request: DevicePairingRequest,
  decision: DevicePairingDecision,
  reason: string | undefined
): Effect.Effect<DevicePairingRequest, DeviceError> => {
  const decided = decodeRequest({
    ...request,
    status: decision.status,
    decidedAt: decision.decidedAt,
    decidedBy: decision.decidedBy,
    ...(reason === undefined ? {} : { reason })
  })
  return decided instanceof StoreRows.UnreadableRow
    ? Effect.fail(corrupt(`refused to store a decision that ${decided.detail}`))
    : Effect.succeed(decided)
}

/**
 * The `DeviceStore` port on `security_devices` and `security_pairing_requests`. `putDevice` is an upsert
 * that keeps the row's `ord`, so devices paired in the same millisecond list in the order first stored.
 * `decidePairingRequest` is one transaction that locks the request row (`FOR UPDATE`): of two deciders
 * racing, the second finds it decided. A value that would not read back is refused with `corrupt`.
 */
export const makeDeviceStore = (sql: SqlClient): DeviceStoreShape => {
  /** Stores a device; with `onlyNew`, answers false (storing nothing) when its id is taken. */
  const storeDevice = (device: DeviceRecord, onlyNew = false): Effect.Effect<boolean, DeviceError | SqlError> => {
    const checked = decodeDevice({ ...device })
    if (checked instanceof StoreRows.UnreadableRow) {
      return Effect.fail(corrupt(`refused to store a device that ${checked.detail}`))
    }
    // A concurrent insert of the same id waits for the first to commit, then does nothing.
    if (onlyNew) {
      return Effect.map(
        sql`INSERT INTO security_devices (${sql.unsafe(deviceColumns)}) VALUES (${checked.deviceId},
          ${checked.publicKey}, ${checked.principalId}, ${checked.name}, ${checked.status}, ${checked.pairedAt},
          ${checked.approvedBy}, ${checked.revokedAt ?? null}, ${checked.revokedBy ?? null})
          ON CONFLICT (device_id) DO NOTHING RETURNING device_id`,
        (rows) => rows.length > 0
      )
    }
    return Effect.as(
      sql`INSERT INTO security_devices (${sql.unsafe(deviceColumns)}) VALUES (${checked.deviceId},
      ${checked.publicKey}, ${checked.principalId}, ${checked.name}, ${checked.status}, ${checked.pairedAt},
      ${checked.approvedBy}, ${checked.revokedAt ?? null}, ${checked.revokedBy ?? null})
      ON CONFLICT (device_id) DO UPDATE SET public_key = excluded.public_key, principal_id = excluded.principal_id,
        name = excluded.name, status = excluded.status, paired_at = excluded.paired_at,
        approved_by = excluded.approved_by, revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by`,
      true
    )
  }

  const markDecided = (id: string, decided: DevicePairingRequest, reason: string | undefined) =>
    sql`UPDATE security_pairing_requests SET status = ${decided.status}, decided_at = ${decided.decidedAt ?? null},
      decided_by = ${decided.decidedBy ?? null}, reason = coalesce(${reason ?? null}, reason)
      WHERE id = ${id} AND status = 'pending'`

  /** The request, locked until the transaction ends, if it is still pending. */
  const pendingRequest = (id: string) =>
    Effect.flatMap(
      sql`SELECT ${sql.unsafe(requestColumns)} FROM security_pairing_requests WHERE id = ${id} FOR UPDATE`,
      (rows) =>
        rows[0] === undefined
          ? Effect.succeed(undefined)
          : Effect.map(orFail(isError, requestFromRow(rows[0])), (request) =>
              request.status === "pending" ? request : undefined
            )
    )

  return {
    getDevice: (deviceId) =>
      call(
        "reading a device",
        Effect.flatMap(
          sql`SELECT ${sql.unsafe(deviceColumns)} FROM security_devices WHERE device_id = ${deviceId}`,
          (rows) => optionalOf(rows, deviceFromRow)
        )
      ),
    listDevices: (filter) =>
      call(
        "listing devices",
        Effect.flatMap(
          sql`SELECT ${sql.unsafe(deviceColumns)} FROM security_devices
            WHERE (${filter.principalId ?? null}::text IS NULL OR principal_id = ${filter.principalId ?? null})
            ORDER BY paired_at, ord`,
          (rows) => Effect.forEach(rows, (row) => orFail(isError, deviceFromRow(row)))
        )
      ),
    putDevice: (device) => call("storing a device", Effect.asVoid(storeDevice(device))),
    getPairingRequest: (id) =>
      call(
        "reading a pairing request",
        Effect.flatMap(
          sql`SELECT ${sql.unsafe(requestColumns)} FROM security_pairing_requests WHERE id = ${id}`,
          (rows) => optionalOf(rows, requestFromRow)
        )
      ),
    listPairingRequests: (filter) =>
      call(
        "listing pairing requests",
        Effect.flatMap(
          sql`SELECT ${sql.unsafe(requestColumns)} FROM security_pairing_requests
            WHERE (${filter.status ?? null}::text IS NULL OR status = ${filter.status ?? null})
              AND (${filter.deviceId ?? null}::text IS NULL OR device_id = ${filter.deviceId ?? null})`,
          (rows) =>
            Effect.map(
              Effect.forEach(rows, (row) => orFail(isError, requestFromRow(row))),
              (requests) => [...requests].sort(byRequestedAt)
            )
        )
      ),
    insertPairingRequest: (request) =>
      Effect.suspend(() => {
        const checked = decodeRequest({ ...request })
        if (checked instanceof StoreRows.UnreadableRow) {
          return Effect.fail(corrupt(`refused to store a pairing request that ${checked.detail}`))
        }
        // The port's ids are fresh; a repeated one replaces the stored request, as in memory.
        return call(
          "storing a pairing request",
          Effect.asVoid(sql`INSERT INTO security_pairing_requests (${sql.unsafe(requestColumns)}) VALUES (${checked.id},
            ${checked.deviceId}, ${checked.publicKey}, ${checked.principalId}, ${checked.name}, ${checked.requestedAt},
            ${checked.expiresAt}, ${checked.status}, ${checked.decidedAt ?? null}, ${checked.decidedBy ?? null},
            ${checked.reason ?? null})
            ON CONFLICT (id) DO UPDATE SET device_id = excluded.device_id, public_key = excluded.public_key,
              principal_id = excluded.principal_id, name = excluded.name, requested_at = excluded.requested_at,
              expires_at = excluded.expires_at, status = excluded.status, decided_at = excluded.decided_at,
              decided_by = excluded.decided_by, reason = excluded.reason`)
        )
      }),
    decidePairingRequest: (decision) =>
      call(
        "deciding a pairing request",
        sql.withTransaction(
          Effect.gen(function* () {
            const request = yield* pendingRequest(decision.requestId)
            if (request === undefined) return "not_pending" as DevicePairingDecisionOutcome
            const reason = decision.status === "rejected" ? decision.reason : undefined
            const decided = yield* decidedRequest(request, decision, reason)
            if (decision.status === "approved") {
              const stored = yield* storeDevice(decision.device, true)
              if (!stored) return "device_exists" as DevicePairingDecisionOutcome
            }
            yield* markDecided(decision.requestId, decided, reason)
            return "decided" as DevicePairingDecisionOutcome
          })
        )
      ),
    deletePairingRequestsExpiredBefore: (time) =>
      call(
        "deleting expired pairing requests",
        Effect.map(
          sql`DELETE FROM security_pairing_requests WHERE expires_at < ${time} RETURNING id`,
          (rows) => rows.length
        )
      )
  }
}

import {
  AuditEntry,
  AuditError,
  type AuditFilter,
  AuditHead,
  type AuditPage,
  type AuditStoreShape,
  auditQueryDefaultLimit,
  StoreRows
} from "@coderclaw/security"
import { Effect } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import type { Fragment } from "effect/sql/Statement"
import { orFail, storeCall } from "./storeCall.js"

type Row = { readonly [column: string]: unknown }

const columns =
  "seq, id, at, actor, device, session, action, resource, decision, reasons, request_id, remote_address, details, prev_hash, hash"

const call = storeCall((kind, detail) => new AuditError({ reason: kind, detail }))
const decodeEntry = StoreRows.rowDecoder(AuditEntry)
const decodeHead = StoreRows.rowDecoder(AuditHead)
const isError = (value: unknown): value is AuditError => value instanceof AuditError

const entryFromRow = (row: Row): AuditEntry | AuditError => {
  const entry = decodeEntry(
    StoreRows.rowObject(
      {
        seq: Number(row.seq),
        id: row.id,
        at: Number(row.at),
        actor: row.actor,
        action: row.action,
        decision: row.decision,
        reasons: StoreRows.jsonColumn("reasons", String(row.reasons)),
        prevHash: row.prev_hash,
        hash: row.hash
      },
      {
        device: row.device,
        session: row.session,
        resource: row.resource,
        requestId: row.request_id,
        remoteAddress: row.remote_address,
        details: row.details === null ? null : StoreRows.jsonColumn("details", String(row.details))
      }
    )
  )
  return entry instanceof StoreRows.UnreadableRow
    ? new AuditError({ reason: "Corrupt", seq: Number(row.seq), detail: `the stored entry ${entry.detail}` })
    : entry
}

const entries = (rows: ReadonlyArray<Row>) => Effect.forEach(rows, (row) => orFail(isError, entryFromRow(row)))

/** A limit as the port means it: nothing below 1, everything for an infinite one (`undefined`). */
const limitOf = (limit: number): number | undefined =>
  Number.isNaN(limit) || limit <= 0 ? 0 : Number.isFinite(limit) ? Math.ceil(limit) : undefined

/** One condition per filter field set; a resource prefix is exactly JavaScript's `startsWith`. */
const queryConditions = (sql: SqlClient, filter: AuditFilter): Array<Fragment> => {
  const wanted: ReadonlyArray<readonly [unknown, () => Fragment]> = [
    [filter.cursor, () => sql`seq < ${Number(filter.cursor)}`],
    [filter.actor, () => sql`actor = ${filter.actor ?? ""}`],
    [filter.action, () => sql`action = ${filter.action ?? ""}`],
    [filter.decision, () => sql`decision = ${filter.decision ?? ""}`],
    [filter.resourcePrefix, () => sql`starts_with(resource, ${filter.resourcePrefix ?? ""})`],
    [filter.since, () => sql`at >= ${filter.since ?? 0}`],
    [filter.until, () => sql`at < ${filter.until ?? 0}`]
  ]
  return wanted.filter(([value]) => value !== undefined).map(([, fragment]) => fragment())
}

/**
 * The `AuditStore` port on `security_audit_entries` and the one-row `security_audit_head`. `append` locks
 * the head row (`FOR UPDATE`), checks the link, inserts the entry and moves the head in one transaction,
 * so writers on other connections or servers cannot fork the chain.
 */
export const makeAuditStore = (sql: SqlClient): AuditStoreShape => {
  const insertEntry = (entry: AuditEntry) =>
    sql`INSERT INTO security_audit_entries (${sql.unsafe(columns)}) VALUES (
      ${entry.seq}, ${entry.id}, ${entry.at}, ${entry.actor}, ${entry.device ?? null}, ${entry.session ?? null},
      ${entry.action}, ${entry.resource ?? null}, ${entry.decision}, ${JSON.stringify(entry.reasons)},
      ${entry.requestId ?? null}, ${entry.remoteAddress ?? null},
      ${entry.details === undefined ? null : JSON.stringify(entry.details)}, ${entry.prevHash}, ${entry.hash})
      ON CONFLICT (seq) DO NOTHING RETURNING seq`

  const head = (lock: boolean) =>
    Effect.flatMap(
      lock
        ? sql`SELECT seq, hash FROM security_audit_head WHERE id = 1 FOR UPDATE`
        : sql`SELECT seq, hash FROM security_audit_head WHERE id = 1`,
      (rows) => {
        const row = rows[0]
        if (row === undefined)
          return Effect.fail(new AuditError({ reason: "Corrupt", detail: "the head row is missing" }))
        const decoded = decodeHead({ seq: Number(row.seq), hash: row.hash })
        return decoded instanceof StoreRows.UnreadableRow
          ? Effect.fail(new AuditError({ reason: "Corrupt", detail: `the stored head ${decoded.detail}` }))
          : Effect.succeed(decoded)
      }
    )

  return {
    append: (entry) =>
      Effect.suspend(() => {
        const checked = decodeEntry({ ...entry })
        if (checked instanceof StoreRows.UnreadableRow) {
          return Effect.fail(
            new AuditError({ reason: "InvalidEntry", seq: entry.seq, detail: `the entry ${checked.detail}` })
          )
        }
        return call(
          "appending an audit entry",
          sql.withTransaction(
            Effect.gen(function* () {
              const current = yield* head(true)
              if (checked.seq !== current.seq + 1 || checked.prevHash !== current.hash) {
                return yield* new AuditError({
                  reason: "Conflict",
                  detail: `entry ${checked.seq} does not follow the head (seq ${current.seq})`,
                  seq: checked.seq
                })
              }
              const inserted = yield* insertEntry(checked)
              if (inserted.length === 0) {
                return yield* new AuditError({
                  reason: "Corrupt",
                  seq: checked.seq,
                  detail: `an entry with seq ${checked.seq} is already stored beyond the head (seq ${current.seq})`
                })
              }
              yield* sql`UPDATE security_audit_head SET seq = ${checked.seq}, hash = ${checked.hash} WHERE id = 1`
            })
          )
        )
      }),
    readRange: (fromSeq, limit) => {
      const count = limitOf(limit)
      return call(
        "reading audit entries",
        Effect.flatMap(
          count === 0
            ? Effect.succeed([])
            : sql`SELECT ${sql.unsafe(columns)} FROM security_audit_entries WHERE seq >= ${fromSeq} ORDER BY seq
                ${count === undefined ? sql`` : sql`LIMIT ${count}`}`,
          entries
        )
      )
    },
    head: () => call("reading the audit head", head(false)),
    query: (filter: AuditFilter) => {
      const limit = filter.limit ?? auditQueryDefaultLimit
      // One match more than the page tells whether another page exists.
      const count = Number.isNaN(limit) || limit < 0 ? 0 : Number.isFinite(limit) ? Math.floor(limit) + 1 : undefined
      const clauses = queryConditions(sql, filter)
      const query =
        count === 0
          ? Effect.succeed([])
          : sql`SELECT ${sql.unsafe(columns)} FROM security_audit_entries
              ${clauses.length === 0 ? sql`` : sql`WHERE ${sql.and(clauses)}`} ORDER BY seq DESC
              ${count === undefined ? sql`` : sql`LIMIT ${count}`}`
      return call(
        "querying audit entries",
        Effect.map(Effect.flatMap(query, entries), (matching): AuditPage => {
          const items = matching.slice(0, limit)
          const last = items.at(-1)
          return matching.length > limit && last !== undefined ? { items, nextCursor: String(last.seq) } : { items }
        })
      )
    }
  }
}

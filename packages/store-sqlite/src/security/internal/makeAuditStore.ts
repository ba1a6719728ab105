import {
  AuditEntry,
  AuditError,
  type AuditFilter,
  AuditHead,
  type AuditPage,
  type AuditStoreShape,
  auditQueryDefaultLimit
} from "@coderclaw/security"
import type { SqliteConnection, SqliteStatement } from "../../internal/driver/SqliteConnection.js"
import { jsonColumn, rowDecoder, rowObject, UnreadableRow } from "./rowValues.js"
import { storeAttempt } from "./storeAttempt.js"
import { writeTransaction } from "./writeTransaction.js"

/** A row of `security_audit_entries`, as better-sqlite3 returns it. */
interface EntryRow {
  readonly seq: number
  readonly id: string
  readonly at: number
  readonly actor: string
  readonly device: string | null
  readonly session: string | null
  readonly action: string
  readonly resource: string | null
  readonly decision: string
  readonly reasons: string
  readonly request_id: string | null
  readonly remote_address: string | null
  readonly details: string | null
  readonly prev_hash: string
  readonly hash: string
}

/** The one row of `security_audit_head`. */
interface HeadRow {
  readonly seq: number
  readonly hash: string
}

const columns =
  "seq, id, at, actor, device, session, action, resource, decision, reasons, request_id, remote_address, details, prev_hash, hash"

const attempt = storeAttempt(AuditError, (kind, detail) => new AuditError({ reason: kind, detail }))

const decodeEntry = rowDecoder(AuditEntry)
const decodeHead = rowDecoder(AuditHead)

const isError = (value: unknown): value is AuditError => value instanceof AuditError

const entryFromRow = (row: EntryRow): AuditEntry | AuditError => {
  const entry = decodeEntry(
    rowObject(
      {
        seq: row.seq,
        id: row.id,
        at: row.at,
        actor: row.actor,
        action: row.action,
        decision: row.decision,
        reasons: jsonColumn("reasons", row.reasons),
        prevHash: row.prev_hash,
        hash: row.hash
      },
      {
        device: row.device,
        session: row.session,
        resource: row.resource,
        requestId: row.request_id,
        remoteAddress: row.remote_address,
        details: row.details === null ? null : jsonColumn("details", row.details)
      }
    )
  )
  return entry instanceof UnreadableRow
    ? new AuditError({ reason: "Corrupt", seq: row.seq, detail: `the stored entry ${entry.detail}` })
    : entry
}

const entriesFromRows = (rows: ReadonlyArray<EntryRow>): Array<AuditEntry> | AuditError => {
  const entries: Array<AuditEntry> = []
  for (const row of rows) {
    const entry = entryFromRow(row)
    if (isError(entry)) return entry
    entries.push(entry)
  }
  return entries
}

// SQLite reads a negative LIMIT as "no limit" and refuses a non-integer one: clamp to what the port means
// (the in-memory store returns nothing for a limit below 1, everything for an infinite one).
const sqlLimit = (limit: number): number =>
  Number.isNaN(limit) || limit <= 0
    ? 0
    : Number.isFinite(limit)
      ? Math.min(Math.ceil(limit), Number.MAX_SAFE_INTEGER)
      : -1

/** The filter conditions a query uses, in a fixed order: each combination is one cached statement. */
const conditions = [
  ["before", "seq < @before"],
  ["actor", "actor = @actor"],
  ["action", "action = @action"],
  ["decision", "decision = @decision"],
  // `instr(…) = 1` is exactly JavaScript's `startsWith` (an empty prefix matches any resource, none a NULL one).
  ["resourcePrefix", "instr(resource, @resourcePrefix) = 1"],
  ["since", "at >= @since"],
  ["until", "at < @until"]
] as const

type QueryParameters = Partial<Record<(typeof conditions)[number][0], string | number>> & { limit: number }

/**
 * The `AuditStore` port on `security_audit_entries` (keyed by `seq`, optional fields as NULL columns, reasons
 * and details as JSON) and the one-row `security_audit_head`. `append` checks the head, inserts the entry and
 * moves the head in one immediate transaction, so writers in other connections or processes cannot fork
 * the chain; deleting entries from the end leaves the head ahead of them, which verification reports.
 */
export const makeAuditStore = (db: SqliteConnection): AuditStoreShape => {
  const readHead = db.prepare<[], HeadRow>("SELECT seq, hash FROM security_audit_head WHERE id = 1")
  const insertEntry = db.prepare<
    [
      number,
      string,
      number,
      string,
      string | null,
      string | null,
      string,
      string | null,
      string,
      string,
      string | null,
      string | null,
      string | null,
      string,
      string
    ]
  >(
    `INSERT INTO security_audit_entries (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (seq) DO NOTHING`
  )
  const moveHead = db.prepare<[number, string]>("UPDATE security_audit_head SET seq = ?, hash = ? WHERE id = 1")
  const readRange = db.prepare<[number, number], EntryRow>(
    `SELECT ${columns} FROM security_audit_entries WHERE seq >= ? ORDER BY seq LIMIT ?`
  )
  const queries = new Map<string, SqliteStatement<[QueryParameters], EntryRow>>()
  const queryFor = (used: ReadonlyArray<string>) => {
    const key = used.join(",")
    let statement = queries.get(key)
    if (statement === undefined) {
      const where = conditions.filter(([name]) => used.includes(name)).map(([, sql]) => sql)
      statement = db.prepare<[QueryParameters], EntryRow>(
        `SELECT ${columns} FROM security_audit_entries
         ${where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`}
         ORDER BY seq DESC LIMIT @limit`
      )
      queries.set(key, statement)
    }
    return statement
  }

  const head = (): AuditHead | AuditError => {
    const row = readHead.get()
    if (row === undefined) return new AuditError({ reason: "Corrupt", detail: "the head row is missing" })
    const decoded = decodeHead({ ...row })
    return decoded instanceof UnreadableRow
      ? new AuditError({ reason: "Corrupt", detail: `the stored head ${decoded.detail}` })
      : decoded
  }

  return {
    append: (entry) =>
      attempt("appending an audit entry", () => {
        const checked = decodeEntry({ ...entry })
        if (checked instanceof UnreadableRow) {
          return new AuditError({ reason: "InvalidEntry", seq: entry.seq, detail: `the entry ${checked.detail}` })
        }
        return writeTransaction(db, isError, (): undefined | AuditError => {
          const current = head()
          if (isError(current)) return current
          if (checked.seq !== current.seq + 1 || checked.prevHash !== current.hash) {
            return new AuditError({
              reason: "Conflict",
              detail: `entry ${checked.seq} does not follow the head (seq ${current.seq})`,
              seq: checked.seq
            })
          }
          const { changes } = insertEntry.run(
            checked.seq,
            checked.id,
            checked.at,
            checked.actor,
            checked.device ?? null,
            checked.session ?? null,
            checked.action,
            checked.resource ?? null,
            checked.decision,
            JSON.stringify(checked.reasons),
            checked.requestId ?? null,
            checked.remoteAddress ?? null,
            checked.details === undefined ? null : JSON.stringify(checked.details),
            checked.prevHash,
            checked.hash
          )
          if (changes === 0) {
            // The head is behind a stored entry: it was moved back, or that row was written around this store.
            return new AuditError({
              reason: "Corrupt",
              seq: checked.seq,
              detail: `an entry with seq ${checked.seq} is already stored beyond the head (seq ${current.seq})`
            })
          }
          moveHead.run(checked.seq, checked.hash)
          return undefined
        })
      }),
    readRange: (fromSeq, limit) =>
      attempt("reading audit entries", () => entriesFromRows(readRange.all(fromSeq, sqlLimit(limit)))),
    head: () => attempt("reading the audit head", head),
    query: (filter: AuditFilter) =>
      attempt("querying audit entries", (): AuditPage | AuditError => {
        const limit = filter.limit ?? auditQueryDefaultLimit
        // One match more than the page tells whether another page exists (the in-memory store's loop bound).
        const parameters: QueryParameters = {
          limit: Number.isNaN(limit) || limit < 0 ? 0 : Number.isFinite(limit) ? Math.floor(limit) + 1 : -1
        }
        const used: Array<string> = []
        const use = (name: (typeof conditions)[number][0], value: string | number | undefined) => {
          if (value === undefined) return
          used.push(name)
          parameters[name] = value
        }
        use("before", filter.cursor === undefined ? undefined : Number(filter.cursor))
        use("actor", filter.actor)
        use("action", filter.action)
        use("decision", filter.decision)
        use("resourcePrefix", filter.resourcePrefix)
        use("since", filter.since)
        use("until", filter.until)
        const matching = entriesFromRows(queryFor(used).all(parameters))
        if (isError(matching)) return matching
        const items = matching.slice(0, limit)
        const last = items.at(-1)
        return matching.length > limit && last !== undefined ? { items, nextCursor: String(last.seq) } : { items }
      })
  }
}

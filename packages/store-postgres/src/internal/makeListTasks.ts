import { InvalidRequest, type PageRequest, type TaskPage, type TaskRecord } from "@coderclaw/protocol"
import {
  decodeTaskCursor,
  defaultPageSize,
  JournalError,
  type JournalQuarantine,
  JournalRows,
  type TaskQuery
} from "@coderclaw/runtime"
import { Effect } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import type { Fragment } from "effect/sql/Statement"
import { taskColumns, taskRow } from "./rows.js"

/** One condition per filter field set, over the indexed columns. */
const conditions = (sql: SqlClient, query: TaskQuery, cursor: string | undefined): Array<Fragment> => {
  const { filter, sessions } = query
  const wanted: ReadonlyArray<readonly [unknown, () => Fragment]> = [
    [sessions, () => sql`session_id IN ${sql.in(sessions ?? [])}`],
    [filter.status, () => sql`status IN ${sql.in(filter.status ?? [])}`],
    [filter.agentId, () => sql`agent_id = ${filter.agentId ?? ""}`],
    [filter.sessionId, () => sql`session_id = ${filter.sessionId ?? ""}`],
    [filter.parentId, () => sql`parent_id = ${filter.parentId ?? ""}`],
    [filter.rootId, () => sql`root_id = ${filter.rootId ?? ""}`],
    [filter.createdAfter, () => sql`created_at > ${filter.createdAfter ?? 0}`],
    [filter.createdBefore, () => sql`created_at < ${filter.createdBefore ?? 0}`],
    [cursor, () => sql`id < ${cursor ?? ""}`]
  ]
  return wanted.filter(([value]) => value !== undefined).map(([, fragment]) => fragment())
}

/**
 * The page of rows read (one past the page): damaged tasks left out (and quarantined), never fatal; the
 * cursor is the last row scanned, listed or not, so a page ending on a damaged task still moves on.
 */
const pageOf = (
  rows: ReadonlyArray<{ readonly [column: string]: unknown }>,
  limit: number,
  quarantine: JournalQuarantine
): TaskPage => {
  const items: Array<TaskRecord> = []
  const scanned = rows.slice(0, limit)
  for (const raw of scanned) {
    const row = taskRow(raw)
    if (quarantine.has(row.id)) continue
    const record = JournalRows.recordFromRow(row)
    if (record instanceof JournalError) quarantine.note(record)
    else items.push(record)
  }
  const last = scanned.at(-1)
  return rows.length > limit && last !== undefined ? { items, nextCursor: String(last.id) } : { items }
}

/**
 * The journal's `listTasks`: records matching the query, newest first by id (UUIDv7, so "older" is
 * "smaller"), one page at a time, over the indexed columns. Reads one row past the page to know whether
 * `nextCursor` is due; a damaged task is left out (and quarantined), never fatal for the page.
 */
export const makeListTasks = (sql: SqlClient, quarantine: JournalQuarantine) => (query: TaskQuery, page: PageRequest) =>
  Effect.gen(function* () {
    const cursor = decodeTaskCursor(page.cursor)
    if (cursor instanceof InvalidRequest) return cursor
    if (query.sessions?.length === 0 || query.filter.status?.length === 0) return { items: [] } as TaskPage
    const clauses = conditions(sql, query, cursor)
    const limit = page.limit ?? defaultPageSize
    const rows = yield* sql`SELECT ${sql.unsafe(taskColumns)} FROM tasks ${
      clauses.length === 0 ? sql`` : sql`WHERE ${sql.and(clauses)}`
    } ORDER BY id DESC LIMIT ${limit + 1}`
    return pageOf(rows, limit, quarantine)
  })

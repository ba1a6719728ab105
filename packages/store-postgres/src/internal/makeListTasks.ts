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
    const { filter, sessions } = query
    const clauses: Array<Fragment> = []
    if (sessions !== undefined) clauses.push(sql`session_id IN ${sql.in(sessions)}`)
    if (filter.status !== undefined) clauses.push(sql`status IN ${sql.in(filter.status)}`)
    if (filter.agentId !== undefined) clauses.push(sql`agent_id = ${filter.agentId}`)
    if (filter.sessionId !== undefined) clauses.push(sql`session_id = ${filter.sessionId}`)
    if (filter.parentId !== undefined) clauses.push(sql`parent_id = ${filter.parentId}`)
    if (filter.rootId !== undefined) clauses.push(sql`root_id = ${filter.rootId}`)
    if (filter.createdAfter !== undefined) clauses.push(sql`created_at > ${filter.createdAfter}`)
    if (filter.createdBefore !== undefined) clauses.push(sql`created_at < ${filter.createdBefore}`)
    if (cursor !== undefined) clauses.push(sql`id < ${cursor}`)
    const limit = page.limit ?? defaultPageSize
    const rows = yield* sql`SELECT ${sql.unsafe(taskColumns)} FROM tasks ${
      clauses.length === 0 ? sql`` : sql`WHERE ${sql.and(clauses)}`
    } ORDER BY id DESC LIMIT ${limit + 1}`
    const items: Array<TaskRecord> = []
    const scanned = rows.slice(0, limit)
    for (const raw of scanned) {
      const row = taskRow(raw)
      if (quarantine.has(row.id)) continue
      const record = JournalRows.recordFromRow(row)
      if (record instanceof JournalError) quarantine.note(record)
      else items.push(record)
    }
    // The cursor is the last row scanned, listed or not, so a page ending on a damaged task still moves on.
    const last = scanned.at(-1)
    return (rows.length > limit && last !== undefined ? { items, nextCursor: String(last.id) } : { items }) as TaskPage
  })

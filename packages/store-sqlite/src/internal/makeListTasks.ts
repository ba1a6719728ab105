import { InvalidRequest, type PageRequest, type TaskId, type TaskPage, type TaskRecord } from "@coderclaw/protocol"
import { decodeTaskCursor, defaultPageSize, JournalError, type TaskQuery } from "@coderclaw/runtime"
import type { SqliteConnection, SqliteStatement } from "./driver/SqliteConnection.js"
import type { Quarantine } from "./Quarantine.js"
import { type RecordRow, recordFromRow } from "./rowCodec.js"
import { taskColumns } from "./statements.js"

type Param = string | number

// One condition per filter field, over the indexed columns. Lists (sessions, statuses) are bound as one
// JSON array so the SQL text depends only on which fields are set: at most 2^9 distinct statements.
const conditions = (
  query: TaskQuery,
  cursor: TaskId | undefined
): { readonly where: string; readonly params: Array<Param> } => {
  const clauses: Array<string> = []
  const params: Array<Param> = []
  const add = (clause: string, param: Param) => {
    clauses.push(clause)
    params.push(param)
  }
  const { filter, sessions } = query
  if (sessions !== undefined) add("session_id IN (SELECT value FROM json_each(?))", JSON.stringify(sessions))
  if (filter.status !== undefined) add("status IN (SELECT value FROM json_each(?))", JSON.stringify(filter.status))
  if (filter.agentId !== undefined) add("agent_id = ?", filter.agentId)
  if (filter.sessionId !== undefined) add("session_id = ?", filter.sessionId)
  if (filter.parentId !== undefined) add("parent_id = ?", filter.parentId)
  if (filter.rootId !== undefined) add("root_id = ?", filter.rootId)
  if (filter.createdAfter !== undefined) add("created_at > ?", filter.createdAfter)
  if (filter.createdBefore !== undefined) add("created_at < ?", filter.createdBefore)
  // The cursor is the last id of the previous page; ids are UUIDv7, so "older" is "smaller".
  if (cursor !== undefined) add("id < ?", cursor)
  return { where: clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`, params }
}

/**
 * The journal's `listTasks` over one connection: records matching the query, newest first by id, one
 * page at a time. Reads one row past the page to know whether `nextCursor` is due. `sessions: []` (no
 * visible session) returns an empty page without touching the database.
 */
export const makeListTasks = (db: SqliteConnection, quarantine: Quarantine) => {
  const prepared = new Map<string, SqliteStatement<Array<Param>, RecordRow>>()
  const statementFor = (sql: string) => {
    const cached = prepared.get(sql)
    if (cached !== undefined) return cached
    const statement = db.prepare<Array<Param>, RecordRow>(sql)
    prepared.set(sql, statement)
    return statement
  }

  return (query: TaskQuery, page: PageRequest): TaskPage | JournalError | InvalidRequest => {
    // Checked first, so a foreign cursor is refused whatever the filter.
    const cursor = decodeTaskCursor(page.cursor)
    if (cursor instanceof InvalidRequest) return cursor
    if (query.sessions?.length === 0 || query.filter.status?.length === 0) return { items: [] }
    const limit = page.limit ?? defaultPageSize
    const { where, params } = conditions(query, cursor)
    const rows = statementFor(`SELECT ${taskColumns} FROM tasks ${where} ORDER BY id DESC LIMIT ?`).all(
      ...params,
      limit + 1
    )
    const items: Array<TaskRecord> = []
    const scanned = rows.slice(0, limit)
    // A damaged task is left out (and quarantined), never fatal for the page: the others stay listable.
    for (const row of scanned) {
      if (quarantine.has(row.id)) continue
      const record = recordFromRow(row)
      if (record instanceof JournalError) quarantine.note(record)
      else items.push(record)
    }
    // The cursor is the last row scanned, listed or not, so a page ending on a damaged task still moves on.
    const last = scanned.at(-1)
    return rows.length > limit && last !== undefined ? { items, nextCursor: last.id } : { items }
  }
}

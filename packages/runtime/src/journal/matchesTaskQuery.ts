import type { TaskRecord } from "@coderclaw/protocol"
import type { TaskQuery } from "./Journal.js"

/** True when a record matches a listing query; journals that cannot filter natively use it. */
export const matchesTaskQuery = (record: TaskRecord, query: TaskQuery): boolean => {
  const { filter, sessions } = query
  if (sessions !== undefined && !sessions.includes(record.sessionId)) return false
  if (filter.status !== undefined && !filter.status.includes(record.status)) return false
  if (filter.agentId !== undefined && record.agentId !== filter.agentId) return false
  if (filter.sessionId !== undefined && record.sessionId !== filter.sessionId) return false
  if (filter.parentId !== undefined && record.parentId !== filter.parentId) return false
  if (filter.rootId !== undefined && record.rootId !== filter.rootId) return false
  if (filter.createdAfter !== undefined && record.createdAt <= filter.createdAfter) return false
  if (filter.createdBefore !== undefined && record.createdAt >= filter.createdBefore) return false
  return true
}

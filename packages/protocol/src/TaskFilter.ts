import { Schema } from "effect"
import { AgentId, SessionId, TaskId } from "./Ids.js"
import { Limits } from "./Limits.js"
import { BoundedString, Timestamp } from "./Primitives.js"
import { TaskRecord } from "./TaskRecord.js"
import { TaskStatus } from "./TaskStatus.js"

/** Which tasks a `list` or `subscribeAll` call is about. Every field narrows; an empty filter means all visible. */
export const TaskFilter = Schema.Struct({
  status: Schema.optionalKey(Schema.Array(TaskStatus)),
  agentId: Schema.optionalKey(AgentId),
  sessionId: Schema.optionalKey(SessionId),
  parentId: Schema.optionalKey(TaskId),
  rootId: Schema.optionalKey(TaskId),
  createdAfter: Schema.optionalKey(Timestamp),
  createdBefore: Schema.optionalKey(Timestamp)
})
export type TaskFilter = typeof TaskFilter.Type

/** Which page of a listing to return. The cursor is opaque: pass back the `nextCursor` of the previous page. */
export const PageRequest = Schema.Struct({
  limit: Schema.optionalKey(
    Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: Limits.pageMaxSize })))
  ),
  cursor: Schema.optionalKey(BoundedString(512))
})
export type PageRequest = typeof PageRequest.Type

/** One page of tasks, newest first; `nextCursor` is absent on the last page. */
export const TaskPage = Schema.Struct({
  items: Schema.Array(TaskRecord),
  nextCursor: Schema.optionalKey(BoundedString(512))
})
export type TaskPage = typeof TaskPage.Type

import { Schema } from "effect"
import { AgentId, SessionId, TaskId } from "./Ids.js"
import { Limits } from "./Limits.js"
import { BoundedString, Timestamp } from "./Primitives.js"
import { TaskRecord } from "./TaskRecord.js"
import { TaskStatus } from "./TaskStatus.js"

/** Which tasks a `list` or `subscribeAll` call is about. Every field narrows; an empty filter means all visible. */
export const TaskFilter = Schema.Struct({
  status: Schema.optionalKey(
    Schema.Array(TaskStatus).annotate({
      description: "Only tasks in one of these statuses (an array, matched as OR). An empty array matches nothing."
    })
  ),
  agentId: Schema.optionalKey(AgentId.annotate({ description: "Only tasks run by this agent." })),
  sessionId: Schema.optionalKey(SessionId.annotate({ description: "Only tasks of this session." })),
  parentId: Schema.optionalKey(TaskId.annotate({ description: "Only direct children of this task." })),
  rootId: Schema.optionalKey(
    TaskId.annotate({ description: "Only tasks of this tree (the root task itself and all its descendants)." })
  ),
  createdAfter: Schema.optionalKey(
    Timestamp.annotate({ description: "Only tasks created strictly after this time (ms since the epoch)." })
  ),
  createdBefore: Schema.optionalKey(
    Timestamp.annotate({ description: "Only tasks created strictly before this time (ms since the epoch)." })
  )
}).annotate({
  title: "TaskFilter",
  description:
    "Which tasks a `task.list` or `task.subscribeAll` call is about. Every field narrows (AND); an empty filter means every task the caller may see."
})
export type TaskFilter = typeof TaskFilter.Type

/** Which page of a listing to return. The cursor is opaque: pass back the `nextCursor` of the previous page. */
export const PageRequest = Schema.Struct({
  limit: Schema.optionalKey(
    Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: Limits.pageMaxSize }))).annotate({
      description: `Most tasks on the page, 1–${Limits.pageMaxSize}.`,
      default: Limits.pageDefaultSize
    })
  ),
  cursor: Schema.optionalKey(
    BoundedString(Limits.cursorMaxLength).annotate({
      description:
        "Opaque: the `nextCursor` of the previous page, unchanged. Absent: the first page. A cursor the server did not issue is refused with `INVALID_REQUEST` naming `cursor`."
    })
  )
}).annotate({
  title: "PageRequest",
  description: "Which page of a listing to return. Pages run newest task first (by task id, i.e. creation time)."
})
export type PageRequest = typeof PageRequest.Type

/** One page of tasks, newest first; `nextCursor` is absent on the last page. */
export const TaskPage = Schema.Struct({
  items: Schema.Array(TaskRecord).annotate({
    description: "The tasks of this page, newest first (descending task id, i.e. creation time)."
  }),
  nextCursor: Schema.optionalKey(
    BoundedString(Limits.cursorMaxLength).annotate({
      description: "Pass it as `page.cursor` to get the next page; absent on the last page."
    })
  )
}).annotate({ title: "TaskPage", description: "One page of a task listing, newest first." })
export type TaskPage = typeof TaskPage.Type

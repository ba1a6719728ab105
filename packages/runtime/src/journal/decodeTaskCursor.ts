import { InvalidRequest, TaskId } from "@coderclaw/protocol"
import { Schema } from "effect"

const isTaskId = Schema.is(TaskId)

/**
 * Reads a list cursor. A journal's cursor is the id of the last task of the previous page (ids are UUIDv7,
 * so "older" is "smaller"); anything else was not issued by a journal and is refused, naming `cursor`,
 * instead of being compared as text and answering a page of arbitrary tasks.
 */
export const decodeTaskCursor = (cursor: string | undefined): TaskId | undefined | InvalidRequest => {
  if (cursor === undefined) return undefined
  if (isTaskId(cursor)) return cursor
  return new InvalidRequest({
    what: "page request",
    issues: [
      { path: ["cursor"], message: "not a cursor this server issued: pass back a page's `nextCursor` unchanged" }
    ]
  })
}

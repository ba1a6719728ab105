/**
 * `@coderclaw/runtime`: the Effect supervisor of coderClaw tasks.
 *
 * @packageDocumentation
 */

export { InMemoryJournal, makeInMemoryJournal } from "./journal/InMemoryJournal.js"
export { defaultPageSize, Journal, type JournalShape, type PendingEvent, type TaskQuery } from "./journal/Journal.js"
export { JournalError } from "./journal/JournalError.js"
export { matchesTaskQuery } from "./journal/matchesTaskQuery.js"
export { projectTaskRecord } from "./journal/projectTaskRecord.js"

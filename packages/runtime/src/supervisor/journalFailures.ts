import { Unavailable } from "@coderclaw/protocol"
import { Effect } from "effect"
import { JournalError } from "../journal/JournalError.js"

/** A journal failure as callers see it: the runtime is unavailable for now. */
export const unavailable = (error: JournalError) => new Unavailable({ reason: error.message })

/** A runtime step that could not even read its task: logged, and reported by health through the journal. */
export const logLost = (what: string) => (error: Unavailable | JournalError) =>
  Effect.logError(`${what}: ${error instanceof JournalError ? error.message : error.reason}`)

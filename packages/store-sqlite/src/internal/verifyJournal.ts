import type { TaskRecord } from "@coderclaw/protocol"
import { JournalError, projectTaskRecord } from "@coderclaw/runtime"
import type { SqliteConnection } from "./driver/SqliteConnection.js"
import type { Quarantine } from "./Quarantine.js"
import { eventFromRow, recordFromRow, taskToRow } from "./rowCodec.js"
import { sameJson } from "./sameJson.js"
import { scanDamage } from "./scanDamage.js"
import type { Statements } from "./statements.js"

const corrupt = (detail: string, taskId?: string, seq?: number) =>
  new JournalError({
    reason: "Corrupt",
    detail,
    ...(taskId === undefined ? {} : { taskId }),
    ...(seq === undefined ? {} : { seq })
  })

// How many of quick_check's complaints to quote; it can report thousands for one damaged page.
const quotedProblems = 5

/** SQLite's structural check of every page, index and constraint that does not need a full scan per row. */
const quickCheck = (db: SqliteConnection): JournalError | undefined => {
  const problems = (db.pragma("quick_check") as ReadonlyArray<Record<string, unknown>>)
    .map((row) => String(Object.values(row)[0]))
    .filter((message) => message !== "ok")
  return problems.length === 0
    ? undefined
    : corrupt(`SQLite quick_check found damage: ${problems.slice(0, quotedProblems).join("; ")}`)
}

/**
 * Re-projects one active task from its events and compares the result with its stored row. Every finding
 * names the task and the seq at fault: the first missing seq of a gap, the seq of an unreadable event, the
 * seq where history and record part ways.
 */
const verifyTask = (statements: Statements, taskId: string): JournalError | undefined => {
  const row = statements.loadRecord.get(taskId)
  if (row === undefined) return corrupt("the task vanished while being verified", taskId)
  const stored = recordFromRow(row)
  if (stored instanceof JournalError) return stored
  let projected: TaskRecord | undefined
  let expected = 1
  for (const eventRow of statements.readTask.all(taskId, 0)) {
    if (eventRow.seq !== expected) {
      return corrupt(`event seq ${expected} is missing: the next stored event is seq ${eventRow.seq}`, taskId, expected)
    }
    const envelope = eventFromRow(eventRow)
    if (envelope instanceof JournalError) return envelope
    const next = projectTaskRecord(projected, envelope)
    if (next instanceof JournalError) return next
    projected = next
    expected++
  }
  const lastSeq = projected?.lastSeq ?? 0
  if (lastSeq !== stored.lastSeq) {
    return corrupt(
      `the record is at seq ${stored.lastSeq} but its events stop at seq ${lastSeq}`,
      taskId,
      Math.min(lastSeq, stored.lastSeq) + 1
    )
  }
  if (!sameJson(projected, stored)) {
    return corrupt("the stored record differs from the projection of its events", taskId, stored.lastSeq)
  }
  // The filter columns must agree with the record, or listings would silently show the wrong tasks.
  const expectedRow = taskToRow(stored)
  const columns = statements.taskColumns.get(taskId)
  const mismatch =
    columns === undefined
      ? "row"
      : (Object.keys(columns) as Array<keyof typeof columns>).find((key) => columns[key] !== expectedRow[key])
  return mismatch === undefined
    ? undefined
    : corrupt(`the column '${mismatch}' of the task row disagrees with its record`, taskId, stored.lastSeq)
}

/**
 * The open-time integrity check. SQLite's `quick_check` first: damage to the file's structure (pages,
 * indexes) fails the open as `Corrupt`, since no read can be trusted. Then the damage scan (`scanDamage`:
 * every row's checksum, every task's seqs against its record), and every task not in a final status (the
 * tasks recovery will resume) re-projected from its events with `projectTaskRecord` and compared with its
 * stored record. A task failing any of these is quarantined, not repaired: it is not resumed, reading it
 * fails `Corrupt` naming it, and every other task opens and runs as usual.
 */
export const verifyJournal = (
  db: SqliteConnection,
  statements: Statements,
  quarantine: Quarantine
): JournalError | undefined =>
  // One read transaction: every statement sees the same snapshot, even if another connection writes meanwhile.
  db
    .transaction((): JournalError | undefined => {
      const damaged = quickCheck(db)
      if (damaged !== undefined) return damaged
      for (const finding of scanDamage(db)) quarantine.add(finding.taskId, finding.detail)
      for (const taskId of statements.activeTaskIds.all()) {
        if (quarantine.has(taskId)) continue
        const finding = verifyTask(statements, taskId)
        if (finding !== undefined) quarantine.note(finding)
      }
      return undefined
    })
    .deferred()

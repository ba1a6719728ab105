import type { HealthCheck } from "@coderclaw/protocol"
import { Effect } from "effect"
import type { JournalShape } from "../journal/Journal.js"

// The protocol's limit on a check's detail.
const maxDetail = 4_000

/**
 * The health check of a journal that checks what it reads (`damagedTasks`): `ok` while no task is damaged,
 * `degraded` naming the quarantined tasks (the others run on), `failing` when the list cannot be read.
 * `undefined` for a journal without checksums (the in-memory one), which has nothing to report.
 */
export const journalIntegrityCheck = (journal: JournalShape): Effect.Effect<HealthCheck | undefined> => {
  const damagedTasks = journal.damagedTasks
  if (damagedTasks === undefined) return Effect.succeed(undefined)
  return damagedTasks.pipe(
    Effect.map((damaged): HealthCheck => {
      if (damaged.length === 0) return { name: "journal-integrity", state: "ok", observed: 0 }
      const listed = damaged.map((task) => `${task.taskId} (${task.detail})`).join("; ")
      const detail = `${damaged.length} damaged task(s) quarantined, not served or resumed: ${listed}`
      return {
        name: "journal-integrity",
        state: "degraded",
        observed: damaged.length,
        detail: detail.length > maxDetail ? `${detail.slice(0, maxDetail - 1)}…` : detail
      }
    }),
    Effect.catch(
      (error): Effect.Effect<HealthCheck> =>
        Effect.succeed({ name: "journal-integrity", state: "failing", detail: error.message.slice(0, maxDetail) })
    )
  )
}

import { isRuntimeError, type TaskRecord } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { alice } from "../fixtures/principals.js"
import type { Harness } from "../support/Harness.js"
import { collect, isFinalEvent } from "../support/streams.js"

const trials = 1_000
const batchSize = 50

interface Trial {
  readonly taskId: string
  readonly cancel: { readonly ok: true; readonly record: TaskRecord } | { readonly ok: false; readonly error: unknown }
}

/** Lets the runtime make `turns` rounds of progress, so cancels land at different points of the task. */
const yieldTurns = async (turns: number) => {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve))
}

/** complete and cancel arriving together: the first one wins, the other is told and changes nothing. */
export const cancelRaceTests = (harness: Harness): void => {
  describe("cancel racing completion", () => {
    it(`${trials} trials: every task ends in exactly one final status, and a losing cancel is an InvalidTransition`, async () => {
      // A few slots for many concurrent submits, and cancels sent after 0–3 turns of the event loop: the
      // cancels meet their tasks queued, running (the agent is about to complete) or already completed.
      const client = (await harness.start({ maxConcurrentTasks: 8 })).client(alice)
      const results: Array<Trial> = []
      for (let start = 0; start < trials; start += batchSize) {
        const batch = await Promise.all(
          Array.from({ length: batchSize }, async (_, offset): Promise<Trial> => {
            const task = await client.submit({ agentId: "instant", description: `race ${start + offset}` })
            await yieldTurns((start + offset) % 4)
            try {
              return { taskId: task.id, cancel: { ok: true, record: await client.cancel(task.id) } }
            } catch (error) {
              return { taskId: task.id, cancel: { ok: false, error } }
            }
          })
        )
        results.push(...batch)
      }

      // Collected as descriptions rather than asserted one by one, so a failure shows every broken trial.
      const problems: Array<string> = []
      for (let start = 0; start < results.length; start += batchSize) {
        const batch = results.slice(start, start + batchSize)
        const histories = await Promise.all(batch.map((trial) => collect(client.subscribe(trial.taskId))))
        const records = await Promise.all(batch.map((trial) => client.get(trial.taskId)))
        batch.forEach((trial, index) => {
          const events = histories[index] ?? []
          const record = records[index]
          const finals = events.filter(isFinalEvent)
          const finalStatus = finals[0]?.event.type === "status_changed" ? finals[0].event.to : undefined
          if (finals.length !== 1) problems.push(`${trial.taskId}: ${finals.length} final status events`)
          if (events.at(-1) !== finals[0]) problems.push(`${trial.taskId}: events after the final one`)
          if (record?.status !== finalStatus)
            problems.push(`${trial.taskId}: record ${record?.status}, events ${finalStatus}`)
          if (trial.cancel.ok) {
            if (trial.cancel.record.status !== "cancelled" || finalStatus !== "cancelled") {
              problems.push(
                `${trial.taskId}: cancel resolved with ${trial.cancel.record.status}, task ended ${finalStatus}`
              )
            }
            return
          }
          const error = trial.cancel.error
          if (!isRuntimeError(error) || error._tag !== "InvalidTransition") {
            problems.push(`${trial.taskId}: losing cancel rejected with ${String(error)}`)
          } else if (error.from !== finalStatus || error.to !== "cancelled" || finalStatus !== "completed") {
            problems.push(
              `${trial.taskId}: losing cancel said ${error.from}→${error.to}, but the task ended ${finalStatus}: ${error.message}`
            )
          }
        })
      }
      expect(problems).toEqual([])
    })
  })
}

import type { DamagedTask } from "../Journal.js"
import { JournalError } from "../JournalError.js"

/**
 * The tasks found damaged since the journal opened (by the open-time scan or by a later read). A damaged
 * task is never served: reading it fails `Corrupt` naming it, and listings, `activeTasks` and `readAll`
 * skip it, so one damaged row costs only its own task, never everyone else's reads.
 */
export class JournalQuarantine {
  private readonly tasks = new Map<string, string>()

  /** Records a finding; the first one per task is kept. */
  add(taskId: string, detail: string): void {
    if (!this.tasks.has(taskId)) this.tasks.set(taskId, detail)
  }

  /** Records a read's `Corrupt` finding about one task; returns the error unchanged, for chaining. */
  note<E>(error: E): E {
    if (error instanceof JournalError && error.reason === "Corrupt" && error.taskId !== undefined) {
      this.add(error.taskId, error.message)
    }
    return error
  }

  has(taskId: string): boolean {
    return this.tasks.has(taskId)
  }

  /** The refusal of a read of a quarantined task, or `undefined` when it is not quarantined. */
  refusal(taskId: string): JournalError | undefined {
    const detail = this.tasks.get(taskId)
    return detail === undefined
      ? undefined
      : new JournalError({ reason: "Corrupt", detail: `the task is quarantined as damaged: ${detail}`, taskId })
  }

  list(): ReadonlyArray<DamagedTask> {
    return [...this.tasks].map(([taskId, detail]) => ({ taskId, detail }))
  }
}

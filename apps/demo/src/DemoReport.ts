import type { TaskStatus } from "@coderclaw/protocol"

/** One task the demo ran, as the summary table shows it. */
export interface TaskOutcome {
  /** What the narrative calls it, e.g. `repo-scanner` or `workflow/review`. */
  readonly label: string
  readonly taskId: string
  readonly agentId: string
  readonly status: TaskStatus
  /** The statuses it went through, in order, from the task's own event stream. */
  readonly path: ReadonlyArray<TaskStatus>
  /** From creation to its final state, as the journal recorded them. */
  readonly durationMs: number
  /** The result in one line: lines and languages, findings, files counted, why it ended… */
  readonly summary: string
}

/** An action the mesh refused, and the reasons it gave. */
export interface Denial {
  readonly who: string
  readonly action: string
  readonly error: string
  readonly reasons: ReadonlyArray<string>
}

/** What the demo did and found: the data behind its summary. */
export interface DemoReport {
  readonly serverUrl: string
  readonly tasks: ReadonlyArray<TaskOutcome>
  readonly denials: ReadonlyArray<Denial>
  readonly audit: { readonly ok: boolean; readonly entries: number }
  /** Where the inspector bridge listened, when `inspect` was on. */
  readonly inspectorUrl?: string
  readonly wallTimeMs: number
}

import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { formatFailure, formatTransition } from "./formatTask.js"
import { type LiveRegion, makeLiveRegion, progressBar } from "./LiveRegion.js"
import type { Output } from "./Output.js"
import { formatClock, singleLine, truncate } from "./table.js"

/**
 * Shows the events of a task and its child tasks while they run: live progress bars on a terminal, plain
 * lines when stdout is not a terminal, JSON lines with `--json`.
 */
export interface TaskView {
  /** A task joins the view: the watched task first, then each child task as it is spawned. */
  track(taskId: string, label: string): void
  /** One event of a tracked task. */
  event(envelope: TaskEventEnvelope): void
  /** A line for people about the whole run (not shown with `--json`). */
  note(text: string): void
  /** Stops drawing; call once the run ended. */
  stop(): void
}

interface Tracked {
  label: string
  status: string
  percent: number
  message: string
}

const labelWidth = 18

/** The line to print for an event, or `undefined` for events shown only as progress (or not at all). */
const lineFor = (taskId: string, envelope: TaskEventEnvelope): string | undefined => {
  const { event } = envelope
  switch (event.type) {
    case "created":
      return `created (${event.agentId}): ${truncate(singleLine(event.description), 100)}`
    case "status_changed":
      return formatTransition(event)
    case "log":
      return event.level === "debug" ? undefined : `[${event.level}] ${truncate(singleLine(event.message), 300)}`
    case "input_requested":
      return `asks for input: ${singleLine(event.prompt)}\n    answer with: coderclaw input ${taskId} '<json>'`
    case "input_provided":
      return `got input: ${truncate(singleLine(JSON.stringify(event.input)), 200)}`
    case "approval_requested":
      return `waits for approval to run ${event.skillId}: ${singleLine(event.summary)}\n    decide with: coderclaw approve ${taskId} [--deny]`
    case "approval_resolved":
      return `${event.approved ? "approved" : "denied"}${event.reason === undefined ? "" : `: ${singleLine(event.reason)}`}`
    case "attempt_failed":
      return `attempt ${event.attempt} of ${event.maxAttempts} failed: ${formatFailure(event.error)}; next in ${event.retryInMs} ms`
    case "artifact":
      return `artifact ${singleLine(event.name)}: ${singleLine(event.uri)}`
    case "child_spawned":
      return `started child task ${event.childId} (${event.agentId})`
    case "output":
    case "progress":
      return undefined
  }
}

const labelOf = (envelope: TaskEventEnvelope): string | undefined => {
  if (envelope.event.type !== "created") return undefined
  const step = envelope.event.metadata.workflowStep
  return typeof step === "string" ? step : undefined
}

abstract class HumanView implements TaskView {
  protected readonly tasks = new Map<string, Tracked>()
  private readonly labels = new Set<string>()

  constructor(protected readonly out: Output) {}

  protected abstract print(text: string): void
  /** The task's state changed; `at` is the time of the event that changed it. */
  protected abstract changed(task: Tracked, progressed: boolean, at: number): void
  protected abstract added(task: Tracked): void
  abstract stop(): void

  note(text: string): void {
    this.print(text)
  }

  private unique(label: string): string {
    let candidate = label
    for (let n = 2; this.labels.has(candidate); n++) candidate = `${label}#${n}`
    this.labels.add(candidate)
    return candidate
  }

  track(taskId: string, label: string): void {
    if (this.tasks.has(taskId)) return
    const task: Tracked = { label: this.unique(label), status: "pending", percent: 0, message: "" }
    this.tasks.set(taskId, task)
    this.added(task)
  }

  event(envelope: TaskEventEnvelope): void {
    const task = this.tasks.get(envelope.taskId)
    if (task === undefined) return
    const step = labelOf(envelope)
    if (step !== undefined && step !== task.label) {
      this.labels.delete(task.label)
      task.label = this.unique(step)
    }
    const { event } = envelope
    let progressed = false
    if (event.type === "status_changed") {
      task.status = event.waitingFor === undefined ? event.to : `waiting (${event.waitingFor})`
      if (event.to === "completed") task.percent = 100
    } else if (event.type === "progress") {
      progressed = event.percent !== task.percent || (event.message ?? "") !== task.message
      task.percent = event.percent
      task.message = singleLine(event.message ?? "")
    }
    const line = lineFor(envelope.taskId, envelope)
    if (line !== undefined) this.print(`${formatClock(envelope.at)} ${task.label.padEnd(labelWidth)} ${line}`)
    this.changed(task, progressed, envelope.at)
  }
}

/** Plain lines: one per transition and notable event, one per change of progress. */
class PlainView extends HumanView {
  protected print(text: string): void {
    this.out.line(text)
  }
  protected added(): void {}
  protected changed(task: Tracked, progressed: boolean, at: number): void {
    if (progressed) {
      // The event's own time: a replayed or piped history shows when things happened, not when it was read.
      const message = task.message === "" ? "" : ` ${truncate(task.message, 120)}`
      this.print(`${formatClock(at)} ${task.label.padEnd(labelWidth)} ${Math.round(task.percent)}%${message}`)
    }
  }
  stop(): void {}
}

/** Live bars, one per task, redrawn in place under the transitions printed as they happen. */
class BarsView extends HumanView {
  private readonly region: LiveRegion = makeLiveRegion(this.out.io.stdout)

  protected print(text: string): void {
    this.region.print(text)
  }
  private redraw(): void {
    this.region.update(
      [...this.tasks.values()].map((task) => {
        const percent = `${Math.round(task.percent)}%`.padStart(4)
        const message = task.message === "" ? "" : ` ${truncate(task.message, 60)}`
        return `${task.label.padEnd(labelWidth)} ${progressBar(task.percent)} ${percent} ${task.status}${message}`
      })
    )
  }
  protected added(): void {
    this.redraw()
  }
  protected changed(): void {
    this.redraw()
  }
  stop(): void {
    this.region.stop()
  }
}

/** JSON lines: every event envelope as it arrives. */
class JsonLinesView implements TaskView {
  constructor(private readonly out: Output) {}
  track(): void {}
  event(envelope: TaskEventEnvelope): void {
    this.out.jsonLine(envelope)
  }
  note(): void {}
  stop(): void {}
}

/** The view that suits the output: JSON lines, live bars on a terminal, or plain lines. */
export const makeTaskView = (out: Output): TaskView =>
  out.json ? new JsonLinesView(out) : out.live ? new BarsView(out) : new PlainView(out)

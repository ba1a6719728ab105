import { relative, sep } from "node:path"
import type { PrincipalId, TaskEventEnvelope, TaskId, TaskStatus } from "@coderclaw/protocol"
import type { TaskCommand } from "@coderclaw/task-machine"
import { Result } from "effect"
import { countFileLines, listTypeScriptFiles } from "./countLines.js"
import { TaskBook } from "./TaskBook.js"

const operator: PrincipalId = "local:example-operator"
const agent: PrincipalId = "system:line-counter"

/** What the example did, for printing and for its test. */
export interface LifecycleReport {
  readonly tasks: ReadonlyArray<{ readonly id: TaskId; readonly title: string; readonly status: TaskStatus }>
  readonly journal: ReadonlyArray<TaskEventEnvelope>
  /** Messages of the commands the lifecycle refused. */
  readonly refusals: ReadonlyArray<string>
  /** The error a malformed submit got. */
  readonly invalidRequest: string
  /** How many inspection events the actors reported (what the Stately inspector would receive). */
  readonly inspectionEvents: number
  /** What the line-counting task computed. */
  readonly lineCount: { readonly files: number; readonly lines: number; readonly byPackage: Record<string, number> }
}

export interface LifecycleExampleOptions {
  /** Whose TypeScript lines the first task counts. */
  readonly root: string
  /** Called with each recorded event, e.g. to print a live timeline. */
  readonly onEvent?: (envelope: TaskEventEnvelope, title: string) => void
}

/**
 * Runs five tasks through the lifecycle statechart:
 * 1. counts the TypeScript lines under `root` for real, reporting progress per file;
 * 2. asks its caller a question, waits, and continues with the answer;
 * 3. fails its first attempt, retries inside `running`, and completes;
 * 4. is cancelled while running; its late `complete` is refused and changes nothing;
 * 5. is a malformed submit, refused with an error naming the field.
 */
export const runLifecycleExample = async (options: LifecycleExampleOptions): Promise<LifecycleReport> => {
  const titles = new Map<TaskId, string>()
  // The `created` event is recorded before `submit` returns the id, so it is named by the title in flight.
  let submitting = ""
  let inspectionEvents = 0
  const book = new TaskBook({
    onEvent: (envelope) => options.onEvent?.(envelope, titles.get(envelope.taskId) ?? submitting),
    inspect: () => {
      inspectionEvents++
    }
  })
  const refusals: Array<string> = []

  const submit = (title: string, request: unknown): TaskId => {
    submitting = title
    const submitted = book.submit(request, operator)
    if (Result.isFailure(submitted)) throw submitted.failure
    titles.set(submitted.success, title)
    return submitted.success
  }
  const send = (taskId: TaskId, command: TaskCommand, by: PrincipalId = agent): void => {
    const sent = book.send(taskId, command, by)
    if (Result.isFailure(sent)) refusals.push(sent.failure.message)
  }

  try {
    // 1. Real work: count lines, one progress event per file.
    const counter = submit("count-lines", {
      agentId: "line-counter",
      description: "Count the TypeScript lines of every package",
      input: { root: options.root },
      metadata: { example: "lifecycle" }
    })
    send(counter, { type: "plan" })
    const files = await listTypeScriptFiles(options.root)
    send(counter, { type: "log", level: "info", message: `found ${files.length} TypeScript files` })
    send(counter, { type: "start" })
    const byPackage: Record<string, number> = {}
    let lines = 0
    for (const [index, file] of files.entries()) {
      const count = await countFileLines(file)
      lines += count
      const where = relative(options.root, file).split(sep).slice(0, 2).join("/")
      byPackage[where] = (byPackage[where] ?? 0) + count
      send(counter, {
        type: "progress",
        percent: ((index + 1) / files.length) * 100,
        message: relative(options.root, file)
      })
    }
    send(counter, { type: "output", name: "lines-by-package", value: byPackage })
    send(counter, { type: "complete", result: { files: files.length, lines } })

    // 2. A question for the caller: running → waiting(input) → running.
    const question = submit("ask-caller", {
      agentId: "line-counter",
      description: "Summarise one package, chosen by the caller"
    })
    send(question, { type: "plan" })
    send(question, { type: "start" })
    send(question, { type: "request_input", prompt: "Which package should be summarised?" })
    send(question, { type: "provide_input", input: { package: "task-machine" } }, operator)
    const chosen = byPackage["packages/task-machine"] ?? 0
    send(question, { type: "complete", result: { package: "task-machine", lines: chosen } })

    // 3. A flaky attempt, retried inside running.
    const flaky = submit("retry", { agentId: "line-counter", description: "Flaky on the first try", maxAttempts: 2 })
    send(flaky, { type: "plan" })
    send(flaky, { type: "start" })
    send(flaky, { type: "attempt_failed", error: { code: "AGENT_ERROR", message: "disk busy" }, retryInMs: 100 })
    send(flaky, { type: "complete", result: "second attempt worked" })

    // 4. Cancelled while running; the late completion loses the race and changes nothing.
    const cancelled = submit("cancel", { agentId: "line-counter", description: "Superseded work" })
    send(cancelled, { type: "plan" })
    send(cancelled, { type: "start" })
    send(cancelled, { type: "cancel", reason: "superseded by a newer request" }, operator)
    send(cancelled, { type: "complete", result: "too late" })

    // 5. A malformed request never becomes a task.
    const malformed = book.submit({ agentId: "line-counter", priority: "high" }, operator)
    const invalidRequest = Result.isFailure(malformed) ? malformed.failure.message : "accepted?!"

    return {
      tasks: [...titles].map(([id, title]) => ({ id, title, status: book.statusOf(id) })),
      journal: [...book.journal],
      refusals,
      invalidRequest,
      inspectionEvents,
      lineCount: { files: files.length, lines, byPackage }
    }
  } finally {
    book.close()
  }
}

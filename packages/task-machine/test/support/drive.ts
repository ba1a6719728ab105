import type { TaskStatus, WaitingReason } from "@coderclaw/protocol"
import { initialTransition } from "xstate"
import { decide, type TaskCommand, type TaskSnapshot, taskMachine } from "../../src/index.js"

/** A fresh task snapshot, as right after `created` (seq 1). */
export const freshTask = (maxAttempts = 3): TaskSnapshot => initialTransition(taskMachine, { maxAttempts })[0]

/** Applies commands that must all be accepted; fails the test with the refusal otherwise. */
export const applyAll = (snapshot: TaskSnapshot, commands: ReadonlyArray<TaskCommand>): TaskSnapshot =>
  commands.reduce((current, command) => {
    const decision = decide(current, command)
    if (decision._tag === "Rejected") throw decision.error
    return decision.snapshot
  }, snapshot)

const waitCommand: Record<WaitingReason, TaskCommand> = {
  input: { type: "request_input", prompt: "Which branch?" },
  children: { type: "await_children" },
  approval: { type: "request_approval", skillId: "shell.run", summary: "rm -rf build/" }
}

/** The commands that walk a fresh task into `status` through real transitions. */
export const pathTo = (status: TaskStatus, waitingFor: WaitingReason = "input"): ReadonlyArray<TaskCommand> => {
  switch (status) {
    case "pending":
      return []
    case "planning":
      return [{ type: "plan" }]
    case "running":
      return [{ type: "plan" }, { type: "start" }]
    case "waiting":
      return [...pathTo("running"), waitCommand[waitingFor]]
    case "completed":
      return [...pathTo("running"), { type: "complete", result: { ok: true } }]
    case "failed":
      return [{ type: "fail", error: { code: "AGENT_ERROR", message: "boom" } }]
    case "cancelled":
      return [{ type: "cancel", reason: "no longer needed" }]
  }
}

/** A task snapshot in `status` (waiting for `waitingFor`), reached through real transitions. */
export const taskIn = (status: TaskStatus, waitingFor?: WaitingReason): TaskSnapshot =>
  applyAll(freshTask(), pathTo(status, waitingFor))

/** An example of every command, with a payload, keyed by type. */
export const sampleCommands: ReadonlyArray<TaskCommand> = [
  { type: "plan" },
  { type: "start" },
  { type: "request_input", prompt: "Which branch?" },
  { type: "provide_input", input: { branch: "main" } },
  { type: "await_children" },
  { type: "children_settled" },
  { type: "request_approval", skillId: "shell.run", summary: "rm -rf build/" },
  { type: "approve", reason: "looks safe" },
  { type: "deny", reason: "too risky" },
  { type: "complete", result: { ok: true } },
  { type: "fail", error: { code: "AGENT_ERROR", message: "boom" } },
  { type: "cancel", reason: "no longer needed" },
  { type: "progress", percent: 40, message: "halfway" },
  { type: "output", name: "summary", value: "done" },
  { type: "artifact", name: "report", uri: "file:///tmp/report.md", mimeType: "text/markdown" },
  { type: "log", level: "info", message: "hello" },
  { type: "spawn_child", childId: "0190a6e2-7b7c-7cc2-8d47-2f1a0b3c4d5e" as never, agentId: "echo" },
  { type: "attempt_failed", error: { code: "AGENT_ERROR", message: "flaky" }, retryInMs: 100 }
]

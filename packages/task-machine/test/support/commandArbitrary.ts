import fc from "fast-check"
import type { TaskCommand } from "../../src/index.js"

const failure = { code: "AGENT_ERROR", message: "boom" }

/** Any command, with random payloads, including hostile numbers for progress. */
export const commandArbitrary: fc.Arbitrary<TaskCommand> = fc.oneof(
  fc.constant<TaskCommand>({ type: "plan" }),
  fc.constant<TaskCommand>({ type: "start" }),
  fc.string({ minLength: 1, maxLength: 20 }).map((prompt): TaskCommand => ({ type: "request_input", prompt })),
  fc
    .jsonValue()
    .map((input): TaskCommand => ({ type: "provide_input", input: JSON.parse(JSON.stringify(input) ?? "null") })),
  fc.constant<TaskCommand>({ type: "await_children" }),
  fc.constant<TaskCommand>({ type: "children_settled" }),
  fc.constant<TaskCommand>({ type: "request_approval", skillId: "shell.run", summary: "run" }),
  fc.constant<TaskCommand>({ type: "approve" }),
  fc.constant<TaskCommand>({ type: "deny", reason: "no" }),
  fc.constant<TaskCommand>({ type: "complete", result: { ok: true } }),
  fc.constant<TaskCommand>({ type: "fail", error: failure }),
  fc.constant<TaskCommand>({ type: "cancel" }),
  fc
    .oneof(fc.double(), fc.integer({ min: -50, max: 150 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0))
    .map((percent): TaskCommand => ({ type: "progress", percent })),
  fc.constant<TaskCommand>({ type: "output", name: "o", value: 1 }),
  fc.constant<TaskCommand>({ type: "log", level: "info", message: "l" }),
  fc.constant<TaskCommand>({
    type: "spawn_child",
    childId: "0190a6e2-7b7c-7cc2-8d47-2f1a0b3c4d5e" as never,
    agentId: "a"
  }),
  fc.constant<TaskCommand>({ type: "attempt_failed", error: failure, retryInMs: 10 })
)

/** A task's run: its `maxAttempts` and a stream of commands sent to it, most of them refused. */
export const taskRunArbitrary = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.array(commandArbitrary, { maxLength: 60 }))

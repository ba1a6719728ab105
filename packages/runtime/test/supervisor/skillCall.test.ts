import type { TaskCommand } from "@coderclaw/task-machine"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { defineAgent, defineSkill } from "../../src/index.js"
import type { LiveTask } from "../../src/supervisor/LiveTask.js"
import { makeSkillCall } from "../../src/supervisor/skillCall.js"
import { createdTask, withState } from "./support.js"

const upper = defineSkill({
  id: "text.upper",
  name: "Upper",
  run: (input, call) => Effect.as(call.progress(50), String(input).toUpperCase())
})
const shell = defineSkill({ id: "shell.run", name: "Shell", dangerous: true, run: () => Effect.succeed("ran") })
const broken = defineSkill({ id: "text.broken", name: "Broken", run: () => Effect.fail(new Error("no ink")) })
const caller = defineAgent({
  id: "echo",
  name: "Caller",
  skills: ["text.upper", "shell.run", "text.broken", "text.missing"],
  run: (input) => Effect.succeed(input)
})

/** A skill call whose approvals and reports are recorded instead of applied. */
const callerOf = (state: Parameters<typeof makeSkillCall>[0]) => {
  const approvals: Array<string> = []
  const applied: Array<TaskCommand["type"]> = []
  const call = makeSkillCall(
    state,
    { awaitApproval: (_task: LiveTask, skillId: string) => Effect.sync(() => void approvals.push(skillId)) },
    (_task, command) => Effect.sync(() => void applied.push(command.type))
  )
  return { call, approvals, applied }
}

const options = { agents: [caller], skills: [upper, shell, broken] }

describe("skillCall", () => {
  it("runs an allowed skill, which reports on the task like its agent", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          const { call, approvals, applied } = callerOf(state)
          const task = yield* createdTask(state)
          expect(yield* call(task, "text.upper", "abc", undefined)).toBe("ABC")
          expect(approvals).toEqual([])
          expect(applied).toEqual(["log", "progress"])
        }),
      options
    ))

  it("asks a person first when the authorizer wants an approval", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          const { call, approvals } = callerOf(state)
          const task = yield* createdTask(state)
          expect(yield* call(task, "shell.run", null, undefined)).toBe("ran")
          expect(approvals).toEqual(["shell.run"])
        }),
      options
    ))

  it("refuses a skill its agent does not list, or no one registered, and reports a failing one", () =>
    withState(
      (state) =>
        Effect.gen(function* () {
          const { call } = callerOf(state)
          const task = yield* createdTask(state)
          expect(yield* Effect.flip(call(task, "text.lower", null, undefined))).toMatchObject({ reason: "NotAllowed" })
          expect(yield* Effect.flip(call(task, "text.missing", null, undefined))).toMatchObject({ reason: "Unknown" })
          expect(yield* Effect.flip(call(task, "text.broken", null, undefined))).toMatchObject({
            reason: "Failed",
            detail: "no ink"
          })
        }),
      options
    ))
})

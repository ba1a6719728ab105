import type { TaskId, WorkflowDefinition } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { initialTransition, transition } from "xstate"
import { readySteps, type WorkflowEvent, workflowMachine } from "../src/index.js"

const task = (id: string) => id as TaskId

const diamond = (extra: Partial<WorkflowDefinition> = {}): WorkflowDefinition => ({
  name: "diamond",
  steps: [
    { id: "a", agentId: "w", description: "a" },
    { id: "b", agentId: "w", description: "b", dependsOn: ["a"] },
    { id: "c", agentId: "w", description: "c", dependsOn: ["a"] },
    { id: "d", agentId: "w", description: "d", dependsOn: ["b", "c"] }
  ],
  ...extra
})

/** Runs events through the pure machine, returning the final snapshot. */
const play = (definition: WorkflowDefinition, events: ReadonlyArray<WorkflowEvent>) => {
  let [snapshot] = initialTransition(workflowMachine, { definition })
  for (const event of events) [snapshot] = transition(workflowMachine, snapshot, event)
  return snapshot
}

const ready = (snapshot: ReturnType<typeof play>) => readySteps(snapshot.context).map((step) => step.id)
const statuses = (snapshot: ReturnType<typeof play>) =>
  Object.fromEntries(Object.values(snapshot.context.steps).map((step) => [step.id, step.status]))

describe("workflowMachine (pure)", () => {
  it("makes a step ready only once all its dependencies completed", () => {
    expect(ready(play(diamond(), []))).toEqual(["a"])
    const afterA = play(diamond(), [
      { type: "step.started", stepId: "a", taskId: task("t-a") },
      { type: "step.completed", stepId: "a", result: 1 }
    ])
    expect(ready(afterA)).toEqual(["b", "c"])
    const afterB = play(diamond(), [
      { type: "step.started", stepId: "a", taskId: task("t-a") },
      { type: "step.completed", stepId: "a", result: 1 },
      { type: "step.started", stepId: "b", taskId: task("t-b") },
      { type: "step.started", stepId: "c", taskId: task("t-c") },
      { type: "step.completed", stepId: "b", result: 2 }
    ])
    expect(ready(afterB)).toEqual([])
    const done = play(diamond(), [
      { type: "step.started", stepId: "a", taskId: task("t-a") },
      { type: "step.completed", stepId: "a", result: 1 },
      { type: "step.started", stepId: "b", taskId: task("t-b") },
      { type: "step.started", stepId: "c", taskId: task("t-c") },
      { type: "step.completed", stepId: "b", result: 2 },
      { type: "step.completed", stepId: "c", result: 3 },
      { type: "step.started", stepId: "d", taskId: task("t-d") },
      { type: "step.completed", stepId: "d", result: 4 }
    ])
    expect(done.value).toBe("completed")
    expect(done.status).toBe("done")
  })

  it("refuses to start a step before its dependencies, or twice", () => {
    const early = play(diamond(), [{ type: "step.started", stepId: "b", taskId: task("t-b") }])
    expect(early.context.steps.b?.status).toBe("waiting")
    const twice = play(diamond(), [
      { type: "step.started", stepId: "a", taskId: task("t-a") },
      { type: "step.started", stepId: "a", taskId: task("t-other") }
    ])
    expect(twice.context.steps.a?.taskId).toBe("t-a")
  })

  it("keeps to maxParallel, except for steps an earlier run already started", () => {
    const wide: WorkflowDefinition = {
      name: "wide",
      maxParallel: 2,
      steps: ["x", "y", "z"].map((id) => ({ id, agentId: "w", description: id }))
    }
    expect(ready(play(wide, []))).toEqual(["x", "y"])
    const full = play(wide, [
      { type: "step.started", stepId: "x", taskId: task("t-x") },
      { type: "step.started", stepId: "y", taskId: task("t-y") }
    ])
    expect(ready(full)).toEqual([])
    expect(
      transition(workflowMachine, full, { type: "step.started", stepId: "z", taskId: task("t-z") })[0].context.steps.z
        ?.status
    ).toBe("waiting")
    const replayed = transition(workflowMachine, full, {
      type: "step.started",
      stepId: "z",
      taskId: task("t-z"),
      replayed: true
    })[0]
    expect(replayed.context.steps.z?.status).toBe("running")
  })

  it("continue: a failure skips the dependents (transitively, naming the dependency) and lets the rest run", () => {
    const definition = diamond({
      failurePolicy: "continue",
      steps: [...diamond().steps, { id: "e", agentId: "w", description: "e" }]
    })
    const snapshot = play(definition, [
      { type: "step.started", stepId: "a", taskId: task("t-a") },
      { type: "step.started", stepId: "e", taskId: task("t-e") },
      { type: "step.completed", stepId: "a", result: 1 },
      { type: "step.started", stepId: "b", taskId: task("t-b") },
      { type: "step.started", stepId: "c", taskId: task("t-c") },
      { type: "step.failed", stepId: "b", error: { code: "X", message: "broke" } }
    ])
    expect(statuses(snapshot)).toEqual({ a: "completed", b: "failed", c: "running", d: "skipped", e: "running" })
    expect(snapshot.context.steps.d?.reason).toBe("dependency 'b' failed")
    expect(snapshot.value).toBe("running")
    const ended = play(definition, [
      { type: "step.started", stepId: "a", taskId: task("t-a") },
      { type: "step.completed", stepId: "a", result: 1 },
      { type: "step.started", stepId: "b", taskId: task("t-b") },
      { type: "step.started", stepId: "c", taskId: task("t-c") },
      { type: "step.started", stepId: "e", taskId: task("t-e") },
      { type: "step.cancelled", stepId: "c", reason: "someone cancelled it" },
      { type: "step.completed", stepId: "b", result: 2 },
      { type: "step.completed", stepId: "e", result: 5 }
    ])
    expect(statuses(ended)).toEqual({ a: "completed", b: "completed", c: "cancelled", d: "skipped", e: "completed" })
    expect(ended.context.steps.d?.reason).toBe("dependency 'c' cancelled")
    expect(ended.value).toBe("failed")
  })

  it("fail-fast: the first failure cancels running steps and skips waiting ones", () => {
    const snapshot = play(diamond(), [
      { type: "step.started", stepId: "a", taskId: task("t-a") },
      { type: "step.completed", stepId: "a", result: 1 },
      { type: "step.started", stepId: "b", taskId: task("t-b") },
      { type: "step.started", stepId: "c", taskId: task("t-c") },
      { type: "step.failed", stepId: "c", error: { code: "X", message: "broke" } }
    ])
    expect(snapshot.value).toBe("failed")
    expect(statuses(snapshot)).toEqual({ a: "completed", b: "cancelled", c: "failed", d: "skipped" })
    expect(ready(snapshot)).toEqual([])
    // A late outcome cannot move a step backwards.
    const late = transition(workflowMachine, snapshot, { type: "step.completed", stepId: "b", result: 2 })[0]
    expect(late.context.steps.b?.status).toBe("cancelled")
  })

  it("a step whose input cannot be built fails without starting", () => {
    const snapshot = play(diamond({ failurePolicy: "continue" }), [
      { type: "step.started", stepId: "a", taskId: task("t-a") },
      { type: "step.completed", stepId: "a", result: 1 },
      { type: "step.failed", stepId: "b", error: { code: "INPUT_UNRESOLVED", message: "no" } },
      { type: "step.failed", stepId: "d", error: { code: "INPUT_UNRESOLVED", message: "not ready" } }
    ])
    expect(snapshot.context.steps.b?.status).toBe("failed")
    expect(snapshot.context.steps.b?.taskId).toBeUndefined()
    expect(snapshot.context.steps.d?.status).toBe("skipped")
  })

  it("workflow.cancel cancels running steps and skips waiting ones", () => {
    const snapshot = play(diamond(), [
      { type: "step.started", stepId: "a", taskId: task("t-a") },
      { type: "workflow.cancel", reason: "stop" }
    ])
    expect(snapshot.value).toBe("cancelled")
    expect(statuses(snapshot)).toEqual({ a: "cancelled", b: "skipped", c: "skipped", d: "skipped" })
  })

  it("describes every state, for the inspector", () => {
    for (const state of Object.values(workflowMachine.states)) expect(state.description).toBeTruthy()
  })
})

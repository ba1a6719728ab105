import type { WorkflowDefinition } from "@coderclaw/protocol"
import { Effect, Fiber } from "effect"
import type { DemoContext } from "../DemoContext.js"
import { DemoError } from "../DemoError.js"
import { call, ensure } from "../mesh/clientCall.js"
import type { Connection } from "../mesh/connect.js"
import { type FollowedTask, followTask } from "../narrate/followTask.js"
import { labelWidth } from "../narrate/Narrator.js"
import { recordOutcome } from "../narrate/recordOutcome.js"

const step = "run a workflow"

/**
 * A small DAG on the built-in agents: three independent steps in parallel (a scan, the git changes, a
 * code search), then a review that starts only once all three completed and receives their results.
 */
const surveyWorkflow = (path: string): typeof WorkflowDefinition.Encoded => ({
  name: `survey of ${path}`,
  maxParallel: 3,
  steps: [
    { id: "scan", agentId: "repo-scanner", description: `Scan ${path}`, input: { path } },
    {
      id: "changes",
      agentId: "git-changes",
      description: "Read the working tree's changes and recent commits",
      input: { limit: 5 }
    },
    {
      id: "search",
      agentId: "code-search",
      description: "Find Effect.runPromise calls",
      input: { query: "Effect.runPromise", path }
    },
    {
      id: "review",
      agentId: "reviewer",
      description: `Review ${path} after the other steps`,
      dependsOn: ["scan", "changes", "search"],
      input: { path }
    }
  ]
})

/**
 * Step 3b: alice submits a workflow. It runs as one task of the `workflow` agent, which waits for its
 * children while each step runs as a child task; every child is followed as it is spawned.
 */
export const workflow = (context: DemoContext, alice: Connection): Effect.Effect<void, DemoError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { narrator } = context
      const path = `${context.scanPath}/protocol`
      const definition = surveyWorkflow(path)
      yield* narrator.section(`Workflow: scan ∥ changes ∥ search → review, on ${path}/`)
      const board = yield* narrator.board
      const stepOfAgent = new Map(definition.steps.map((entry) => [entry.agentId, entry.id]))
      const task = yield* call(step, "submitting the workflow", (signal) =>
        alice.client.submitWorkflow(definition, { signal })
      )
      yield* narrator.line(`${"workflow".padEnd(labelWidth)} submitted as task ${task.id}`)
      const children: Array<Fiber.Fiber<{ readonly label: string; readonly followed: FollowedTask }, DemoError>> = []
      const parent = yield* followTask(step, narrator, alice.client, task.id, {
        label: "workflow",
        bar: board.bar("workflow"),
        onEvent: ({ event }) =>
          Effect.gen(function* () {
            if (event.type !== "child_spawned") return
            const label = `workflow/${stepOfAgent.get(event.agentId) ?? event.agentId}`
            yield* narrator.line(`${label.padEnd(labelWidth)} spawned as child task ${event.childId}`)
            // Followed on its own fiber, so the workflow's own events keep flowing meanwhile.
            const fiber = yield* Effect.forkChild(
              followTask(step, narrator, alice.client, event.childId, { label, bar: board.bar(label) }).pipe(
                Effect.map((followed) => ({ label, followed }))
              )
            )
            children.push(fiber)
          })
      })
      const steps = yield* Fiber.joinAll(children)
      for (const { label, followed } of steps) recordOutcome(context, label, followed)
      recordOutcome(context, "workflow", parent)
      yield* ensure(
        step,
        parent.record.status === "completed",
        () => `the workflow ended ${parent.record.status}: ${parent.record.error?.message ?? ""}`
      )
      yield* ensure(
        step,
        steps.length === definition.steps.length,
        () => `${steps.length} of ${definition.steps.length} steps ran`
      )
      const review = steps.find((entry) => entry.label === "workflow/review")
      const others = steps.filter((entry) => entry !== review)
      const reviewStart = review?.followed.record.createdAt ?? 0
      const lastDependency = Math.max(
        ...others.map((entry) => entry.followed.record.completedAt ?? Number.POSITIVE_INFINITY)
      )
      if (review === undefined || reviewStart < lastDependency) {
        return yield* new DemoError({
          step,
          reason: "Unexpected",
          detail: "the review step started before its dependencies completed"
        })
      }
      yield* narrator.line(
        `the review started only after scan, changes and search completed; all ${steps.length} steps completed`
      )
    })
  )

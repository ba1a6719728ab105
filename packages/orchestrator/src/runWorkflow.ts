import type {
  CallOptions,
  JsonValue,
  Principal,
  RuntimeClient,
  TaskEventEnvelope,
  TaskRecord,
  WorkflowDefinition
} from "@coderclaw/protocol"
import type { RuntimeShape } from "@coderclaw/runtime"
import { Effect, Stream } from "effect"
import { workflowResultFor } from "./internal/workflowRunOf.js"
import { type WorkflowResult, workflowOutputName } from "./WorkflowResult.js"

/** An ended workflow: its task's final record and what each step did. */
export interface WorkflowRun {
  readonly task: TaskRecord
  readonly result: WorkflowResult
}

const workflowOutput = (envelope: TaskEventEnvelope): JsonValue | undefined =>
  envelope.event.type === "output" && envelope.event.name === workflowOutputName ? envelope.event.value : undefined

/** Every child task of a task, through a client, page after page. */
const childrenVia = async (client: RuntimeClient, parentId: string, options: CallOptions) => {
  const children: Array<TaskRecord> = []
  let cursor: string | undefined
  do {
    const page = await client.list({ parentId }, { limit: 500, ...(cursor === undefined ? {} : { cursor }) }, options)
    children.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== undefined)
  return children
}

/** Waits for a submitted workflow task to end, through any `RuntimeClient`, and returns what it did. */
export const awaitWorkflow = async (
  client: RuntimeClient,
  taskId: string,
  options: CallOptions = {}
): Promise<WorkflowRun> => {
  let output: JsonValue | undefined
  for await (const envelope of client.subscribe(taskId, options)) output = workflowOutput(envelope) ?? output
  const task = await client.get(taskId, options)
  const children = task.status === "completed" ? [] : await childrenVia(client, taskId, options)
  return { task, result: workflowResultFor(task, output, children) }
}

/**
 * Submits a workflow through any `RuntimeClient` (local or remote) and resolves once it has ended. Rejects
 * like `submitWorkflow` when the definition is refused (`InvalidRequest` naming duplicate or unknown step
 * ids and cycles, `AgentNotFound`); a workflow that runs and fails resolves, with `result.status` `failed`.
 */
export const runWorkflow = async (
  client: RuntimeClient,
  definition: typeof WorkflowDefinition.Encoded,
  options: CallOptions = {}
): Promise<WorkflowRun> => {
  const task = await client.submitWorkflow(definition, options)
  return awaitWorkflow(client, task.id, options)
}

/** `runWorkflow` for Effect users holding the `Runtime` service: submits, waits for the end, returns the run. */
export const runWorkflowWith = (runtime: RuntimeShape, principal: Principal, definition: unknown) =>
  Effect.gen(function* () {
    const submitted = yield* runtime.submitWorkflow(principal, definition)
    const events = yield* Stream.runCollect(runtime.subscribe(principal, submitted.id))
    let output: JsonValue | undefined
    for (const envelope of events) output = workflowOutput(envelope) ?? output
    const task = yield* runtime.get(principal, submitted.id)
    const children =
      task.status === "completed" ? [] : (yield* runtime.list(principal, { parentId: task.id }, { limit: 500 })).items
    const run: WorkflowRun = { task, result: workflowResultFor(task, output, children) }
    return run
  })

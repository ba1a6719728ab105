import type { AgentDescriptor, JsonValue, LogLevel, TaskId, TaskRecord } from "@coderclaw/protocol"
import { Effect, Exit, JsonSchema, Schema } from "effect"
import type { AgentContext, ChildRequest } from "./AgentContext.js"

/** An agent's work: an Effect from the task input to its JSON result. Interrupted when the task is cancelled. */
export type AgentRun = (input: JsonValue, context: AgentContext) => Effect.Effect<JsonValue, unknown>

/** An agent: what it is (its descriptor) and what it does. Register it in the runtime's `agents`. */
export interface AgentDefinition {
  readonly descriptor: AgentDescriptor
  readonly run: AgentRun
  /** The input's Schema and example, when declared; the descriptor carries their JSON form. */
  readonly input?: AgentInputSpec
  /**
   * How many of its tasks may run at once right now, when that varies (an agent hosted on remote workers:
   * their total concurrency, 0 while none is connected, so its tasks wait `pending`). Absent: no limit
   * beyond `descriptor.maxConcurrent`.
   */
  readonly capacity?: () => number
}

/**
 * The input an agent accepts: the Schema it decodes its task input with (no services needed), and an
 * example. The descriptor carries the JSON Schema generated from it, so callers can discover the input.
 */
export interface AgentInputSpec {
  readonly schema: Schema.ConstraintDecoder<unknown>
  /** An input valid against `schema`; checked when the agent is defined. */
  readonly example?: JsonValue
}

/** The descriptor fields with defaults for the optional ones, and the input as a Schema. */
export type AgentDescriptorInput = Omit<AgentDescriptor, "capabilities" | "skills" | "description" | "input"> & {
  readonly description?: string
  readonly capabilities?: ReadonlyArray<string>
  readonly skills?: ReadonlyArray<string>
  readonly input?: AgentInputSpec
}

/**
 * The JSON Schema (draft 2020-12) of an agent's input, as one self-contained object. Unknown keys are
 * refused (`additionalProperties: false`), as agents refuse them in a directly submitted input.
 */
export const inputJsonSchema = (schema: Schema.ConstraintDecoder<unknown>): { readonly [key: string]: JsonValue } => {
  const document = Schema.toJsonSchemaDocument(schema, { onExcessProperty: "error" })
  return JSON.parse(
    JSON.stringify({
      $schema: JsonSchema.META_SCHEMA_URI_DRAFT_2020_12,
      ...document.schema,
      ...(Object.keys(document.definitions).length === 0 ? {} : { $defs: document.definitions })
    })
  )
}

const checkedExample = (id: string, spec: AgentInputSpec): JsonValue | undefined => {
  if (spec.example === undefined) return undefined
  const decoded = Schema.decodeUnknownExit(spec.schema, { errors: "all", onExcessProperty: "error" })(spec.example)
  // A wrong example misleads every caller who copies it: refuse the definition, as for any API misuse.
  if (Exit.isFailure(decoded)) throw new TypeError(`agent ${id}: the input example does not match its schema`)
  return spec.example
}

const descriptorOf = (definition: AgentDescriptorInput): AgentDescriptor => {
  const { input, ...fields } = definition
  const example = input === undefined ? undefined : checkedExample(fields.id, input)
  return {
    ...fields,
    description: fields.description ?? fields.name,
    capabilities: fields.capabilities ?? [],
    skills: fields.skills ?? [],
    ...(input === undefined
      ? {}
      : { input: { schema: inputJsonSchema(input.schema), ...(example === undefined ? {} : { example }) } })
  }
}

const inputOf = (definition: AgentDescriptorInput): { readonly input?: AgentInputSpec } =>
  definition.input === undefined ? {} : { input: definition.input }

/** Defines an agent whose work is an Effect. */
export const defineAgent = (definition: AgentDescriptorInput & { readonly run: AgentRun }): AgentDefinition => {
  const { run, ...descriptor } = definition
  return { descriptor: descriptorOf(descriptor), run, ...inputOf(definition) }
}

/** The agent context for plain async code: the same calls, as Promises, plus the task's `AbortSignal`. */
export interface AsyncAgentContext {
  readonly taskId: TaskId
  readonly attempt: number
  readonly checkpoint: JsonValue | undefined
  /** Aborted when the task is cancelled, times out or the runtime shuts down: stop work promptly. */
  readonly signal: AbortSignal
  progress(percent: number, message?: string): Promise<void>
  output(name: string, value: JsonValue, mimeType?: string): Promise<void>
  log(level: LogLevel, message: string): Promise<void>
  saveCheckpoint(data: JsonValue): Promise<void>
  askInput(prompt: string, schema?: JsonValue): Promise<JsonValue>
  spawn(request: ChildRequest): Promise<TaskId>
  awaitChildren(
    childIds?: ReadonlyArray<TaskId>,
    options?: { readonly until?: "all" | "any" }
  ): Promise<ReadonlyArray<TaskRecord>>
  /** Rejects with a `SkillError` when the call is refused or fails. */
  callSkill(skillId: string, input: JsonValue): Promise<JsonValue>
}

/**
 * Defines an agent written as an async function. It gets an `AbortSignal` that is aborted when the task is
 * cancelled; the runtime also stops waiting for it, but only the agent can stop its own side effects, so
 * pass the signal on (to `fetch`, timers, child processes).
 */
export const defineAsyncAgent = (
  definition: AgentDescriptorInput & {
    readonly run: (input: JsonValue, context: AsyncAgentContext) => Promise<JsonValue>
  }
): AgentDefinition => {
  const { run, ...descriptor } = definition
  return {
    descriptor: descriptorOf(descriptor),
    ...inputOf(definition),
    run: (input, context) =>
      Effect.gen(function* () {
        const services = yield* Effect.context<never>()
        const runPromise = Effect.runPromiseWith(services)
        return yield* Effect.tryPromise({
          try: (signal) =>
            run(input, {
              taskId: context.taskId,
              attempt: context.attempt,
              checkpoint: context.checkpoint,
              signal,
              progress: (percent, message) => runPromise(context.progress(percent, message)),
              output: (name, value, mimeType) => runPromise(context.output(name, value, mimeType)),
              log: (level, message) => runPromise(context.log(level, message)),
              saveCheckpoint: (data) => runPromise(context.saveCheckpoint(data)),
              askInput: (prompt, schema) => runPromise(context.askInput(prompt, schema)),
              spawn: (request) => runPromise(context.spawn(request)),
              awaitChildren: (childIds, options) => runPromise(context.awaitChildren(childIds, options)),
              callSkill: (skillId, skillInput) => runPromise(context.callSkill(skillId, skillInput))
            }),
          catch: (error) => error
        })
      })
  }
}

import type {
  AttemptReport,
  JsonValue,
  RuntimeError,
  TaskId,
  TaskRecord,
  WorkerDispatchNotification
} from "@coderclaw/protocol"
import {
  type AgentContext,
  type SkillDefinition,
  SkillError,
  type SkillScope,
  type SpawnError
} from "@coderclaw/runtime"
import { Effect } from "effect"

/** How an attempt's context reaches the server: one wire call, under the attempt's lease. */
export type WorkerCall = <A>(method: string, params: unknown, waits?: boolean) => Promise<A>

const wire = <A>(call: WorkerCall, method: string, params: unknown, waits = false) =>
  Effect.tryPromise({ try: () => call<A>(method, params, waits), catch: (error) => error as RuntimeError })

/**
 * A report the server refused (the lease was lost, the task ended) stops the attempt, as a refused report
 * stops an agent running in the server's process.
 */
const reported = (call: WorkerCall, leaseId: string, report: AttemptReport): Effect.Effect<void> =>
  wire(call, "worker.report", { leaseId, report }).pipe(
    Effect.catch(() => Effect.interrupt),
    Effect.asVoid
  )

const skillRefused = (skillId: string, error: RuntimeError): SkillError =>
  new SkillError({
    reason: error._tag === "Forbidden" ? "Forbidden" : "Failed",
    skillId,
    detail: error._tag === "Forbidden" ? error.reasons.join(", ") : error.message
  })

/**
 * The `AgentContext` of an attempt run on a worker: the same calls as in the server's process, each sent
 * over the wire under the attempt's lease (and journalled by the server before it answers). Skill calls are
 * decided by the server, then run here, with each path they reach beyond their scope decided by the server.
 */
export const remoteContext = (
  dispatch: WorkerDispatchNotification,
  call: WorkerCall,
  skills: ReadonlyMap<string, SkillDefinition>
): AgentContext => {
  const leaseId = dispatch.leaseId
  const report = (entry: AttemptReport) => reported(call, leaseId, entry)
  const reporters = {
    progress: (percent: number, message?: string) =>
      report({ type: "progress", percent, ...(message === undefined ? {} : { message }) }),
    output: (name: string, value: JsonValue, mimeType?: string) =>
      report({ type: "output", name, value, ...(mimeType === undefined ? {} : { mimeType }) }),
    log: (level: "debug" | "info" | "warn" | "error", message: string) => report({ type: "log", level, message })
  }
  return {
    taskId: dispatch.taskId as TaskId,
    attempt: dispatch.attempt,
    owner: dispatch.owner,
    checkpoint: dispatch.checkpoint,
    ...reporters,
    artifact: (artifact) => report({ type: "artifact", ...artifact }),
    saveCheckpoint: (data) => report({ type: "checkpoint", data }),
    askInput: (prompt, schema) =>
      wire<{ answer: JsonValue }>(
        call,
        "worker.askInput",
        { leaseId, prompt, ...(schema === undefined ? {} : { schema }) },
        true
      ).pipe(
        Effect.map((result) => result.answer),
        Effect.catch(() => Effect.interrupt)
      ),
    spawn: (request) =>
      wire<{ taskId: string }>(call, "worker.spawn", { leaseId, request }).pipe(
        Effect.map((result) => result.taskId as TaskId),
        Effect.mapError((error) => error as SpawnError)
      ),
    awaitChildren: (childIds, options) =>
      wire<{ children: ReadonlyArray<TaskRecord> }>(
        call,
        "worker.awaitChildren",
        {
          leaseId,
          ...(childIds === undefined ? {} : { childIds }),
          ...(options?.until === undefined ? {} : { until: options.until })
        },
        true
      ).pipe(
        Effect.map((result) => result.children),
        Effect.catch(() => Effect.interrupt)
      ),
    callSkill: (skillId, input, scope) =>
      Effect.gen(function* () {
        const skill = skills.get(skillId)
        if (skill === undefined)
          return yield* new SkillError({ reason: "Unknown", skillId, detail: "this worker does not host the skill" })
        const scoped = scope === undefined ? {} : { scope }
        yield* wire(call, "worker.authorizeSkill", { leaseId, skillId, input, ...scoped }, true).pipe(
          Effect.mapError((error) => skillRefused(skillId, error))
        )
        return yield* skill
          .run(input, {
            taskId: dispatch.taskId as TaskId,
            agentId: dispatch.agentId,
            principal: dispatch.owner,
            ...scoped,
            ...reporters,
            refusedPaths: (paths) => refusedPaths(call, leaseId, skillId, scope, paths)
          })
          .pipe(
            Effect.mapError(
              (error) =>
                new SkillError({
                  reason: "Failed",
                  skillId,
                  detail: error instanceof Error ? error.message : String(error)
                })
            )
          )
      })
  }
}

/** Paths a skill reaches beyond its scope, decided by the server; refused all when it cannot answer. */
const refusedPaths = (
  call: WorkerCall,
  leaseId: string,
  skillId: string,
  scope: SkillScope | undefined,
  paths: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<string>> =>
  wire<{ refused: ReadonlyArray<string> }>(call, "worker.authorizePaths", {
    leaseId,
    skillId,
    paths,
    ...(scope === undefined ? {} : { scope })
  }).pipe(
    Effect.map((result) => result.refused),
    // Default deny: a path the server did not allow is not touched.
    Effect.orElseSucceed(() => paths)
  )

import { Schema } from "effect"
import { uuidV7 } from "./internal/uuidV7.js"
import { Limits } from "./Limits.js"

/**
 * A task id: a UUIDv7, so ids sort by creation time and journal indexes stay append-friendly.
 */
export const TaskId = Schema.String.pipe(Schema.check(Schema.isUUID(7)), Schema.brand("TaskId"))
export type TaskId = typeof TaskId.Type

/** Creates a fresh, time-ordered task id. */
export const makeTaskId = (): TaskId => uuidV7() as TaskId

const idString = (what: string) =>
  Schema.String.pipe(
    Schema.check(
      Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/u, {
        expected: `${what}: letters, digits and . _ : @ / - , starting with a letter or digit`
      }),
      Schema.isMaxLength(Limits.idMaxLength)
    )
  )

/** The id of a registered agent, e.g. `repo-scan`. */
export const AgentId = idString("an agent id")
export type AgentId = typeof AgentId.Type

/** The id of a registered skill, e.g. `fs.read`. */
export const SkillId = idString("a skill id")
export type SkillId = typeof SkillId.Type

/** The id of a caller session; tasks are visible per session. */
export const SessionId = idString("a session id")
export type SessionId = typeof SessionId.Type

/** The id of a runtime node. */
export const NodeId = idString("a node id")
export type NodeId = typeof NodeId.Type

/**
 * Who a principal is, as `<provider>:<subject>` (e.g. `local:alice`, `github:12345`), or `system:<part>`
 * for changes the runtime makes by itself (timeouts, recovery).
 */
export const PrincipalId = idString("a principal id")
export type PrincipalId = typeof PrincipalId.Type

/** The principal id the runtime uses for changes nobody asked for: deadlines, recovery, shutdown. */
export const systemPrincipalId = (part: string): PrincipalId => `system:${part}`

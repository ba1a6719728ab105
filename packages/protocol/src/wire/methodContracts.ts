import { Schema } from "effect"
import type { ErrorCode } from "../ErrorCode.js"
import { SubmitRequest } from "../SubmitRequest.js"
import { PageRequest, TaskFilter } from "../TaskFilter.js"
import { WorkflowDefinition } from "../WorkflowDefinition.js"
import type { WireMethod } from "./methods.js"
import { wireMethods } from "./methods.js"

/**
 * What a client needs to know of a method beyond its wire schemas: a summary, the params with every
 * request-shaped field spelled out, and the error codes it can answer with. The wire table (`wireMethods`)
 * reads `request`, `filter`, `page` and `definition` as unknown so that the runtime reports their problems
 * with paths inside them; the documented params here name their real schemas.
 */
export interface WireMethodContract {
  readonly summary: string
  readonly description: string
  /** The params as a client sends them; its keys are exactly those of the wire table's params. */
  readonly params: Schema.Top
  /** The error codes the method can answer with, besides those every method can (see `commonMethodErrors`). */
  readonly errors: ReadonlyArray<ErrorCode>
}

/** Errors any method after the handshake can answer with. */
export const commonMethodErrors: ReadonlyArray<ErrorCode> = [
  "INVALID_REQUEST",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "INTERNAL"
]

const params = (fields: Schema.Struct.Fields, title: string, description: string) =>
  Schema.Struct(fields).annotate({ title, description })

const taskId = Schema.String.annotate({ description: "The task's id (a UUIDv7 string)." })

/** Every wire method's contract, in table order. */
export const wireMethodContracts: { readonly [Method in WireMethod]: WireMethodContract } = {
  connect: {
    summary: "Authenticate the connection (the client's first request).",
    description:
      "Must be the first request on a connection, answered with `hello`. Any other first request, or a second `connect`, is refused. See docs/protocol.md, Handshake.",
    params: wireMethods.connect.params,
    errors: ["UNSUPPORTED_PROTOCOL_VERSION"]
  },
  "connection.ping": {
    summary: "Ask for the server's clock (an application-level heartbeat).",
    description: "For clients that cannot see WebSocket pings (browsers): call it every `heartbeatIntervalMs`.",
    params: wireMethods["connection.ping"].params,
    errors: []
  },
  "task.submit": {
    summary: "Submit a task; answers its record (status `pending`).",
    description:
      "Journals the task and queues it. With `idempotencyKey`, a retry returns the first call's task instead of creating another.",
    params: params({ request: SubmitRequest }, "task.submit params", "The task to run."),
    errors: ["AGENT_NOT_FOUND", "TASK_NOT_FOUND", "OVERLOADED"]
  },
  "task.get": {
    summary: "Read a task's current record.",
    description: "A task of another user is `TASK_NOT_FOUND` unless the caller holds `task:read:any`.",
    params: params({ taskId }, "task.get params", "Which task."),
    errors: ["TASK_NOT_FOUND"]
  },
  "task.list": {
    summary: "List the tasks the caller may see, newest first, one page at a time.",
    description:
      "Visible tasks are the caller's own (in any of its sessions), or everyone's with `task:read:any`. Ordered by task id descending (newest first); follow `nextCursor` for the next page.",
    params: params(
      {
        filter: Schema.optionalKey(TaskFilter.annotate({ description: "Which tasks. Default: every visible task." })),
        page: Schema.optionalKey(PageRequest.annotate({ description: "Which page. Default: the first 50." }))
      },
      "task.list params",
      "A filter and a page."
    ),
    errors: []
  },
  "task.cancel": {
    summary: "Cancel a task that has not ended; answers its record.",
    description:
      "Stops the running attempt and cancels the task's active children. A task that already ended is refused with `INVALID_TRANSITION`.",
    params: params(
      { taskId, reason: wireMethods["task.cancel"].params.fields.reason },
      "task.cancel params",
      "Which task, and why."
    ),
    errors: ["TASK_NOT_FOUND", "INVALID_TRANSITION"]
  },
  "task.provideInput": {
    summary: "Answer a task waiting for input; answers its record.",
    description: "Only while the task is `waiting` with `waitingFor: input`; otherwise `INVALID_TRANSITION`.",
    params: params(
      { taskId, input: wireMethods["task.provideInput"].params.fields.input },
      "task.provideInput params",
      "Which task, and the answer (any JSON value)."
    ),
    errors: ["TASK_NOT_FOUND", "INVALID_TRANSITION"]
  },
  "task.resolveApproval": {
    summary: "Approve or refuse the dangerous skill call a task waits for; answers its record.",
    description:
      "Only while the task is `waiting` with `waitingFor: approval`. The decider must not be the task's owner unless policy allows it (separation of duties). Refusing fails the task with `APPROVAL_DENIED`.",
    params: params(
      {
        taskId,
        approved: Schema.Boolean.annotate({ description: "`true` lets the call run; `false` fails the task." }),
        reason: wireMethods["task.resolveApproval"].params.fields.reason
      },
      "task.resolveApproval params",
      "Which task, the decision and its reason."
    ),
    errors: ["TASK_NOT_FOUND", "INVALID_TRANSITION"]
  },
  "task.subscribe": {
    summary: "Stream a task's events: history after `afterSeq`, then live, ending after the final event.",
    description:
      "Answers `{ subscriptionId }` before the first `task.event` of the subscription; the stream ends with `task.end`.",
    params: wireMethods["task.subscribe"].params,
    errors: ["TASK_NOT_FOUND", "OVERLOADED"]
  },
  "task.subscribeAll": {
    summary: "Stream the events of every visible task matching a filter, after `afterPosition`.",
    description: "Events arrive in increasing `position`; the stream stays open until `task.unsubscribe`.",
    params: params(
      {
        filter: Schema.optionalKey(TaskFilter.annotate({ description: "Which tasks. Default: every visible task." })),
        afterPosition: wireMethods["task.subscribeAll"].params.fields.afterPosition
      },
      "task.subscribeAll params",
      "A filter and where to start. Without `afterPosition`, from now."
    ),
    errors: ["OVERLOADED"]
  },
  "task.unsubscribe": {
    summary: "End a subscription.",
    description: "Answers `unsubscribed: false` when it had already ended.",
    params: wireMethods["task.unsubscribe"].params,
    errors: []
  },
  "agent.list": {
    summary: "The registered agents.",
    description: "Every agent the runtime hosts, with the skills each may call.",
    params: wireMethods["agent.list"].params,
    errors: []
  },
  "skill.list": {
    summary: "The registered skills.",
    description: "Every skill, with its permissions and whether it is dangerous.",
    params: wireMethods["skill.list"].params,
    errors: []
  },
  "runtime.status": {
    summary: "Live figures of the node: counts per status, queue depth, uptime, health.",
    description: "All figures are measured at the call.",
    params: wireMethods["runtime.status"].params,
    errors: []
  },
  "workflow.submit": {
    summary: "Submit a workflow (a DAG of steps run as child tasks); answers the workflow task's record.",
    description: "`UNAVAILABLE` when the server runs without the orchestrator.",
    params: params({ definition: WorkflowDefinition }, "workflow.submit params", "The workflow to run."),
    errors: ["AGENT_NOT_FOUND", "OVERLOADED"]
  },
  "session.logout": {
    summary: "End the connection's session on the server.",
    description:
      "The session's token is refused from then on; every connection on it closes with 4013 (this one right after the answer).",
    params: wireMethods["session.logout"].params,
    errors: []
  },
  "worker.register": {
    summary: "Register this connection as a worker hosting the given agents and skills.",
    description:
      "Policy decides each agent id (`agent:host` on `Agent::<id>`, device trust); a refused id, or one a built-in agent already has, is listed in `refused` and audited. The server then sends `worker.dispatch` notifications, at most `concurrency` leases at once. See docs/workers.md.",
    params: wireMethods["worker.register"].params,
    errors: []
  },
  "worker.heartbeat": {
    summary: "Renew the leases this worker still runs; answers the ones it lost.",
    description: "Send every `heartbeatIntervalMs`. A lease not renewed within `leaseTtlMs` is lost.",
    params: wireMethods["worker.heartbeat"].params,
    errors: []
  },
  "worker.report": {
    summary: "Report progress, an output, an artifact, a log line or a checkpoint of a leased attempt.",
    description: "Journalled as the task's event before the answer; refused with `LEASE_LOST` under a dead lease.",
    params: wireMethods["worker.report"].params,
    errors: ["LEASE_LOST"]
  },
  "worker.askInput": {
    summary: "Ask the task's caller for input; answered with the input once provided.",
    description: "The task waits for `input` meanwhile.",
    params: wireMethods["worker.askInput"].params,
    errors: ["LEASE_LOST"]
  },
  "worker.spawn": {
    summary: "Start a child task of the leased task; answers its id.",
    description: "Replayed on a re-run: the n-th spawn of an attempt returns the n-th child already spawned.",
    params: wireMethods["worker.spawn"].params,
    errors: ["LEASE_LOST", "AGENT_NOT_FOUND", "OVERLOADED"]
  },
  "worker.awaitChildren": {
    summary: "Wait until the task's children have ended; answers their records.",
    description: "The task waits for `children` meanwhile.",
    params: wireMethods["worker.awaitChildren"].params,
    errors: ["LEASE_LOST"]
  },
  "worker.authorizeSkill": {
    summary: "Ask the server to decide a skill call of the leased attempt before the worker runs it.",
    description:
      "Decided as the task's owner by policy (with approval and separation of duties when required) and audited with the worker and its device; answered once the call may run, `FORBIDDEN` when refused.",
    params: wireMethods["worker.authorizeSkill"].params,
    errors: ["LEASE_LOST"]
  },
  "worker.authorizePaths": {
    summary: "Of the paths a running skill reaches, answer the ones it may not touch.",
    description: "Decided like the call itself, with each path in place of the scope's paths.",
    params: wireMethods["worker.authorizePaths"].params,
    errors: ["LEASE_LOST"]
  },
  "worker.end": {
    summary: "Report how the leased attempt ended; the lease is released.",
    description: "A failure is retried like any agent's (attempt + 1, back-off) unless marked not retryable.",
    params: wireMethods["worker.end"].params,
    errors: ["LEASE_LOST"]
  },
  "worker.list": {
    summary: "The connected workers: what each hosts, its concurrency and running attempts.",
    description: "All figures are measured at the call.",
    params: wireMethods["worker.list"].params,
    errors: []
  }
}

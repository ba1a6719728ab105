import type {
  CancelParams,
  ListParams,
  Principal,
  ProvideInputParams,
  ResolveApprovalParams,
  RuntimeError,
  SubmitParams,
  SubmitWorkflowParams,
  TaskIdParams
} from "@coderclaw/protocol"
import type { RuntimeShape } from "@coderclaw/runtime"
import { Effect } from "effect"

type Handler<P> = (runtime: RuntimeShape, principal: Principal, params: P) => Effect.Effect<unknown, RuntimeError>

/**
 * The request/response methods and the runtime call each one makes, as the connection's principal. The
 * subscription methods are the connection's own (they outlive the request); `connect` is the handshake's.
 */
export const callHandlers = {
  "connection.ping": (() => Effect.sync(() => ({ now: Date.now() }))) satisfies Handler<unknown>,
  "task.submit": ((runtime, principal, { request }) => runtime.submit(principal, request)) satisfies Handler<
    typeof SubmitParams.Type
  >,
  "task.get": ((runtime, principal, { taskId }) => runtime.get(principal, taskId)) satisfies Handler<
    typeof TaskIdParams.Type
  >,
  "task.list": ((runtime, principal, { filter, page }) => runtime.list(principal, filter, page)) satisfies Handler<
    typeof ListParams.Type
  >,
  "task.cancel": ((runtime, principal, { taskId, reason }) =>
    runtime.cancel(principal, taskId, reason)) satisfies Handler<typeof CancelParams.Type>,
  "task.provideInput": ((runtime, principal, { taskId, input }) =>
    runtime.provideInput(principal, taskId, input)) satisfies Handler<typeof ProvideInputParams.Type>,
  "task.resolveApproval": ((runtime, principal, { taskId, approved, reason }) =>
    runtime.resolveApproval(principal, taskId, {
      approved,
      ...(reason === undefined ? {} : { reason })
    })) satisfies Handler<typeof ResolveApprovalParams.Type>,
  "agent.list": ((runtime, principal) => runtime.listAgents(principal)) satisfies Handler<unknown>,
  "skill.list": ((runtime, principal) => runtime.listSkills(principal)) satisfies Handler<unknown>,
  "runtime.status": ((runtime, principal) => runtime.status(principal)) satisfies Handler<unknown>,
  "workflow.submit": ((runtime, principal, { definition }) =>
    runtime.submitWorkflow(principal, definition)) satisfies Handler<typeof SubmitWorkflowParams.Type>
} as const

/** A method answered by `callHandlers`. */
export type CallMethod = keyof typeof callHandlers

/** Whether `method` is answered by `callHandlers`. */
export const isCallMethod = (method: string): method is CallMethod => Object.hasOwn(callHandlers, method)

import type {
  AgentCard,
  CancelTaskRequest,
  GetTaskRequest,
  ListTasksRequest,
  ListTasksResponse,
  Message,
  SendMessageRequest,
  StreamResponse,
  SubscribeToTaskRequest,
  Task,
  TaskPushNotificationConfig
} from "@a2a-js/sdk"
import {
  ExtendedAgentCardNotConfiguredError,
  PushNotificationNotSupportedError,
  RequestMalformedError,
  UnsupportedOperationError
} from "@a2a-js/sdk/errors"
import type { A2ARequestHandler, ServerCallContext } from "@a2a-js/sdk/server"
import { Limits, type Principal, type RuntimeError, type TaskRecord } from "@coderclaw/protocol"
import type { RuntimeShape } from "@coderclaw/runtime"
import { Effect, Stream } from "effect"
import { a2aError } from "./a2aError.js"
import { inputOf, textOf } from "./a2aParts.js"
import { a2aTaskState, isInterrupted, statusesOf } from "./a2aTaskState.js"
import { GatewayUser } from "./GatewayUser.js"
import { contextIdKey, contextIdOf, TaskView } from "./TaskView.js"

/** What the handler serves A2A from. */
export interface RuntimeRequestHandlerOptions {
  readonly runtime: RuntimeShape
  /** The agent card, built from the live registry. */
  readonly agentCard: () => Promise<AgentCard>
  /** The agent a message goes to when it names none (`metadata.agentId`). Default: none, such a message is refused. */
  readonly defaultAgentId?: string
}

const run = <A>(effect: Effect.Effect<A, RuntimeError>, operation?: "cancel"): Promise<A> =>
  Effect.runPromise(effect.pipe(Effect.mapError((error) => a2aError(error, operation))))

const principalOf = (context: ServerCallContext): Principal => {
  const user = context.user
  // The gateway's routes authenticate every request before the SDK sees it; reaching here without a
  // principal is a wiring bug, refused rather than run as anyone.
  if (!(user instanceof GatewayUser)) throw new UnsupportedOperationError({ message: "not authenticated" })
  return user.principal
}

const stringField = (record: Record<string, unknown> | undefined, key: string): string | undefined => {
  const value = record?.[key]
  return typeof value === "string" && value !== "" ? value : undefined
}

/** An approval answer: a data part `{ approved: boolean, reason?: string }`. */
const approvalOf = (value: unknown): { approved: boolean; reason?: string } | undefined => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
  const { approved, reason } = value as { approved?: unknown; reason?: unknown }
  if (typeof approved !== "boolean") return undefined
  return typeof reason === "string" ? { approved, reason } : { approved }
}

const requireMessage = (params: SendMessageRequest): Message => {
  if (params.message === undefined || params.message.parts.length === 0)
    throw new RequestMalformedError({ message: "the request has no message, or the message has no parts" })
  return params.message
}

/**
 * The A2A request handler of the `@a2a-js/sdk` server bindings (JSON-RPC + SSE, HTTP+JSON), answered by our
 * runtime: a message without `taskId` submits a task (its `messageId` is the idempotency key, so a retried
 * send returns the same task); a message with `taskId` answers the question the task waits on (input, or an
 * approval with `{ approved, reason? }`); reads, listings, cancellations and subscriptions are the runtime's
 * own calls as the authenticated principal. The task's durable record and journal are the only state: there
 * is no A2A task store beside them, so a task is the same over A2A, WebSocket and the CLI, and survives a
 * restart. Streams replay from the journal (`SubscribeToTask` after a dropped connection loses nothing) and
 * end when the task ends or waits for its caller.
 */
export class RuntimeRequestHandler implements A2ARequestHandler {
  constructor(private readonly options: RuntimeRequestHandlerOptions) {}

  getAgentCard(): Promise<AgentCard> {
    return this.options.agentCard()
  }

  getAuthenticatedExtendedAgentCard(): Promise<AgentCard> {
    return Promise.reject(new ExtendedAgentCardNotConfiguredError())
  }

  async sendMessage(params: SendMessageRequest, context: ServerCallContext): Promise<Message | Task> {
    const principal = principalOf(context)
    const view = await this.start(principal, requireMessage(params), params)
    if (params.configuration?.returnImmediately !== true) for await (const _ of this.follow(principal, view)) void _
    return view.task(params.configuration?.historyLength)
  }

  async *sendMessageStream(params: SendMessageRequest, context: ServerCallContext): AsyncGenerator<StreamResponse> {
    const principal = principalOf(context)
    const view = await this.start(principal, requireMessage(params), params)
    yield { payload: { $case: "task", value: view.task(params.configuration?.historyLength) } }
    yield* this.follow(principal, view)
  }

  async *resubscribe(params: SubscribeToTaskRequest, context: ServerCallContext): AsyncGenerator<StreamResponse> {
    const principal = principalOf(context)
    const view = await this.snapshot(principal, await run(this.options.runtime.get(principal, params.id)))
    yield { payload: { $case: "task", value: view.task() } }
    yield* this.follow(principal, view)
  }

  async getTask(params: GetTaskRequest, context: ServerCallContext): Promise<Task> {
    const principal = principalOf(context)
    const view = await this.snapshot(principal, await run(this.options.runtime.get(principal, params.id)))
    return view.task(params.historyLength)
  }

  async listTasks(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    const principal = principalOf(context)
    const statuses = statusesOf(params.status)
    const limit = Math.min(Math.max(params.pageSize ?? Limits.pageDefaultSize, 1), Limits.pageMaxSize)
    const page = await run(
      this.options.runtime.list(principal, statuses === undefined ? {} : { status: [...statuses] }, {
        limit,
        ...(params.pageToken === "" ? {} : { cursor: params.pageToken })
      })
    )
    const after = params.statusTimestampAfter === undefined ? undefined : Date.parse(params.statusTimestampAfter)
    const tasks = page.items
      .filter((record) => statuses === undefined || a2aTaskState(record) === params.status)
      .filter((record) => params.contextId === "" || contextIdOf(record) === params.contextId)
      .filter((record) => after === undefined || Number.isNaN(after) || record.updatedAt > after)
      .map((record) => new TaskView(record).task(params.historyLength ?? 0))
    return { tasks, nextPageToken: page.nextCursor ?? "", pageSize: limit, totalSize: tasks.length }
  }

  async cancelTask(params: CancelTaskRequest, context: ServerCallContext): Promise<Task> {
    const principal = principalOf(context)
    const reason = stringField(params.metadata, "reason")
    const record = await run(this.options.runtime.cancel(principal, params.id, reason), "cancel")
    return (await this.snapshot(principal, record)).task()
  }

  createTaskPushNotificationConfig(): Promise<TaskPushNotificationConfig> {
    return Promise.reject(new PushNotificationNotSupportedError())
  }

  getTaskPushNotificationConfig(): Promise<TaskPushNotificationConfig> {
    return Promise.reject(new PushNotificationNotSupportedError())
  }

  listTaskPushNotificationConfigs(): Promise<never> {
    return Promise.reject(new PushNotificationNotSupportedError())
  }

  deleteTaskPushNotificationConfig(): Promise<void> {
    return Promise.reject(new PushNotificationNotSupportedError())
  }

  /** Submits the task a message asks for, or answers the task it continues; the task as of that call. */
  private async start(principal: Principal, message: Message, params: SendMessageRequest): Promise<TaskView> {
    const record =
      message.taskId === "" ? await this.submit(principal, message, params) : await this.answer(principal, message)
    return this.snapshot(principal, record)
  }

  private submit(principal: Principal, message: Message, params: SendMessageRequest): Promise<TaskRecord> {
    const agentId =
      stringField(message.metadata, "agentId") ?? stringField(params.metadata, "agentId") ?? this.options.defaultAgentId
    if (agentId === undefined)
      throw new RequestMalformedError({
        message: "name the agent in the message's metadata.agentId (see the agent card's skills)"
      })
    const text = textOf(message)
    const contextId = message.contextId
    return run(
      this.options.runtime.submit(principal, {
        agentId,
        description: (text === "" ? `A2A message to ${agentId}` : text).slice(0, Limits.descriptionMaxLength),
        input: inputOf(message),
        idempotencyKey: `a2a:${message.messageId}`,
        metadata: {
          "a2a.messageId": message.messageId.slice(0, Limits.metadataValueMaxLength),
          ...(contextId === "" || contextId.length > Limits.metadataValueMaxLength ? {} : { [contextIdKey]: contextId })
        }
      })
    )
  }

  private async answer(principal: Principal, message: Message): Promise<TaskRecord> {
    const { runtime } = this.options
    const current = await run(runtime.get(principal, message.taskId))
    if (current.status === "waiting" && current.waitingFor === "input")
      return run(runtime.provideInput(principal, current.id, inputOf(message)))
    if (current.status === "waiting" && current.waitingFor === "approval") {
      const decision = approvalOf(inputOf(message))
      if (decision === undefined)
        throw new RequestMalformedError({
          message: "answer an approval with a data part { approved: boolean, reason?: string }"
        })
      return run(runtime.resolveApproval(principal, current.id, decision))
    }
    throw new UnsupportedOperationError({
      message: `task ${current.id} is ${current.status}; only a task waiting for input or approval takes a message`,
      metadata: { code: "INVALID_TRANSITION" }
    })
  }

  /** The task as A2A sees it, rebuilt from its events up to the record's. */
  private async snapshot(principal: Principal, record: TaskRecord): Promise<TaskView> {
    const view = new TaskView(record)
    if (record.lastSeq === 1) return view.createdOnly()
    await run(
      this.options.runtime.subscribe(principal, record.id, 0).pipe(
        Stream.takeUntil((envelope) => envelope.seq >= record.lastSeq),
        Stream.runForEach((envelope) => Effect.sync(() => view.apply(envelope)))
      )
    )
    return view
  }

  /** The task's stream events after the view, until the task ends or waits for its caller. */
  private async *follow(principal: Principal, view: TaskView): AsyncGenerator<StreamResponse> {
    if (isInterrupted(view.a2aState)) return
    const events = this.options.runtime
      .subscribe(principal, view.taskId, view.lastSeq)
      .pipe(Stream.mapError((error) => a2aError(error)))
    for await (const envelope of Stream.toAsyncIterable(events)) {
      yield* view.apply(envelope)
      if (envelope.event.type === "status_changed" && isInterrupted(view.a2aState)) return
    }
  }
}

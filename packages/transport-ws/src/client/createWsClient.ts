import type {
  CallOptions,
  HelloResult,
  RuntimeClient,
  RuntimeError,
  SubscribeAllOptions,
  SubscribeOptions,
  TaskEventEnvelope
} from "@coderclaw/protocol"
import { requestMetaKey, Timeout } from "@coderclaw/protocol"
import { ClientConnection, type ConnectionEvents } from "./ClientConnection.js"
import { ClientSubscription } from "./ClientSubscription.js"
import { clientClosed, Reconnector } from "./Reconnector.js"
import { SessionCredentials } from "./SessionCredentials.js"
import { SubscriptionRegistry } from "./SubscriptionRegistry.js"
import type { WsClientOptions } from "./WsClientOptions.js"

/** A `RuntimeClient` over WebSocket, which also tells who the server authenticated it as. */
export interface WsClient extends RuntimeClient {
  /**
   * The server's `hello` for the current connection (connecting if needed): the principal, the limits,
   * and the session token when the server opened a session (e.g. after a password login).
   */
  hello(): Promise<HelloResult>
  /**
   * Calls any wire method by name (e.g. the `worker.*` methods of `@coderclaw/worker`). `timeoutMs`
   * overrides the client's request timeout, for calls that wait on people (a worker's `worker.askInput`).
   */
  request<A>(method: string, params: unknown, options?: { readonly timeoutMs?: number }): Promise<A>
  /** Receives every server notification not consumed by a stream (e.g. `worker.dispatch`); returns a remover. */
  onNotification(listener: (method: string, params: unknown) => void): () => void
  /** Runs after each successful (re)connection, with its `hello`; returns a remover. */
  onConnected(listener: (hello: HelloResult) => void): () => void
}

/** The longest delay a Node or browser timer takes (beyond it, timers fire at once). */
const maxTimerMs = 2_147_483_647

/**
 * A `RuntimeClient` over WebSocket. It connects on creation, authenticates with `credentials` (and the
 * device proof, if any), and keeps one connection for all calls and streams.
 *
 * When the connection drops, calls in flight reject with a retryable `Unavailable` (whether they took effect
 * is unknown) and the client reconnects with exponential backoff and jitter while streams are open. It then
 * authenticates again and resubscribes every stream from the last event its consumer received, so a
 * stream continues with no gap and no duplicate. Streams opened during an outage wait for the server too, and
 * so do streams a shutting-down server ended with `Unavailable`.
 * After `reconnect.giveUpAfterMs` (default 5 minutes) or `reconnect.maxAttempts` failed attempts without a
 * connection, every open stream ends with `Unavailable`. A call made while disconnected waits for the next
 * connection attempt and rejects with `Unavailable` if that attempt fails. No outage, close or failed
 * attempt ever leaves a promise rejection unhandled: the program using the client never crashes because a
 * server went away. Errors are the protocol's typed errors, rebuilt from the wire.
 */
export const createWsClient = (options: WsClientOptions): WsClient => {
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000
  const credentials = new SessionCredentials(options.credentials)
  const connectionOptions: WsClientOptions = { ...options, credentials: credentials.current }

  const notificationListeners = new Set<(method: string, params: unknown) => void>()
  const connectedListeners = new Set<(hello: HelloResult) => void>()
  const events: ConnectionEvents = {
    onOpen: (opened, hello) => {
      credentials.remember(hello)
      reconnector.opened()
      streams.attachAll(opened)
      for (const listener of connectedListeners) listener(hello)
    },
    onNotification: (from, method, params) => {
      if (from !== reconnector.current) return
      if (method === "task.event" || method === "task.end") streams.deliver(from, method, params)
      else for (const listener of notificationListeners) listener(method, params)
    },
    onLost: (lost, fatalClose) => {
      if (!reconnector.release(lost)) return
      streams.detachAll()
      reconnector.afterLoss(fatalClose)
    }
  }
  const reconnector: Reconnector = new Reconnector(options.url, options.reconnect, {
    open: () => new ClientConnection(connectionOptions, events),
    streamsOpen: () => streams.size > 0,
    connecting: () => streams.forgetServerIds(),
    failStreams: (error) => streams.failAll(error)
  })
  const streams: SubscriptionRegistry = new SubscriptionRegistry({
    requestTimeoutMs,
    ensureConnection: () => reconnector.ensureConnection(),
    stopped: () => reconnector.stopped
  })
  const stream = (
    subscription: () => ClientSubscription,
    signal: AbortSignal | undefined
  ): AsyncIterable<TaskEventEnvelope> => ({
    [Symbol.asyncIterator]: () => {
      let current: ClientSubscription | undefined
      const start = () => {
        const opened = subscription()
        current = opened
        if (reconnector.closed) opened.fail(clientClosed())
        else if (signal?.aborted) opened.stop()
        else {
          signal?.addEventListener("abort", () => streams.stop(opened), { once: true })
          streams.add(opened)
        }
        return opened
      }
      return {
        next: () => (current ?? start()).next(),
        return: async () => {
          if (current !== undefined) streams.stop(current)
          return { done: true, value: undefined }
        }
      }
    }
  })

  // The caller's trace context, read when the call is made (not when a connection is ready), as `params._meta`.
  const withMeta = (params: unknown): unknown => {
    const meta = options.traceContext?.()
    return meta === undefined ? params : { ...(params as object), [requestMetaKey]: meta }
  }

  const call = <A>(
    method: string,
    params: unknown,
    callOptions: CallOptions | undefined,
    timeoutMs = requestTimeoutMs
  ): Promise<A> => {
    const signal = callOptions?.signal
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (reconnector.closed) return Promise.reject(clientClosed())
    const sent = withMeta(params)
    return new Promise<A>((resolve, reject) => {
      let settled = false
      let forget = () => {}
      const timer = setTimeout(() => done(() => reject(new Timeout({ operation: method, timeoutMs }))), timeoutMs)
      const onAbort = () => done(() => reject(signal?.reason))
      const done = (settle: () => void) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener("abort", onAbort)
        forget()
        settle()
      }
      signal?.addEventListener("abort", onAbort, { once: true })
      reconnector.ensureConnection().then(
        (ready) => {
          if (settled) return
          forget = ready.request(method, sent, timeoutMs, {
            resolve: (result) => done(() => resolve(result as A)),
            reject: (error) => done(() => reject(error))
          })
        },
        (error: RuntimeError) => done(() => reject(error))
      )
    })
  }

  reconnector.connect().catch(() => undefined)

  return {
    hello: () => reconnector.ensureConnection().then((opened) => opened.ready),
    request: (method, params, requestOptions) =>
      call(method, params, undefined, Math.min(requestOptions?.timeoutMs ?? requestTimeoutMs, maxTimerMs)),
    onNotification: (listener) => {
      notificationListeners.add(listener)
      return () => notificationListeners.delete(listener)
    },
    onConnected: (listener) => {
      connectedListeners.add(listener)
      return () => connectedListeners.delete(listener)
    },
    submit: (request, callOptions) => call("task.submit", { request }, callOptions),
    get: (taskId, callOptions) => call("task.get", { taskId }, callOptions),
    list: (filter, page, callOptions) =>
      call(
        "task.list",
        { ...(filter === undefined ? {} : { filter }), ...(page === undefined ? {} : { page }) },
        callOptions
      ),
    cancel: (taskId, reason, callOptions) =>
      call("task.cancel", { taskId, ...(reason === undefined ? {} : { reason }) }, callOptions),
    provideInput: (taskId, input, callOptions) => call("task.provideInput", { taskId, input }, callOptions),
    resolveApproval: (taskId, decision, callOptions) =>
      call(
        "task.resolveApproval",
        {
          taskId,
          approved: decision.approved,
          ...(decision.reason === undefined ? {} : { reason: decision.reason })
        },
        callOptions
      ),
    subscribe: (taskId, subscribeOptions?: SubscribeOptions) =>
      stream(
        () => new ClientSubscription({ kind: "task", taskId }, subscribeOptions?.afterSeq ?? 0),
        subscribeOptions?.signal
      ),
    subscribeAll: (filter, subscribeOptions?: SubscribeAllOptions) =>
      stream(
        () => new ClientSubscription({ kind: "all", filter }, subscribeOptions?.afterPosition),
        subscribeOptions?.signal
      ),
    listAgents: (callOptions) => call("agent.list", {}, callOptions),
    listSkills: (callOptions) => call("skill.list", {}, callOptions),
    status: (callOptions) => call("runtime.status", {}, callOptions),
    submitWorkflow: (definition, callOptions) => call("workflow.submit", { definition }, callOptions),
    close: async () => {
      reconnector.close()
    }
  }
}

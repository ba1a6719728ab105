import type {
  CallOptions,
  HelloResult,
  RuntimeClient,
  RuntimeError,
  SubscribeAllOptions,
  SubscribeOptions,
  TaskEndNotification,
  TaskEventEnvelope,
  TaskEventNotification
} from "@coderclaw/protocol"
import { fromErrorInfo, isRuntimeError, Timeout, Unavailable } from "@coderclaw/protocol"
import { ClientConnection, type ConnectionEvents } from "./ClientConnection.js"
import { ClientSubscription } from "./ClientSubscription.js"
import { backoffDelayMs, defaultGiveUpAfterMs, type WsClientOptions } from "./WsClientOptions.js"
import { isConnectionLost } from "./wireErrors.js"

const clientClosed = () => new Unavailable({ reason: "this client is closed" })

/** How long before a session token expires the client goes back to its original credentials. */
const sessionRenewalMarginMs = 30_000

/** A `RuntimeClient` over WebSocket, which also tells who the server authenticated it as. */
export interface WsClient extends RuntimeClient {
  /**
   * The server's `hello` for the current connection (connecting if needed): the principal, the limits,
   * and the session token when the server opened a session (e.g. after a password login).
   */
  hello(): Promise<HelloResult>
}

/** Errors after which reconnecting with the same settings cannot help. */
const isFatal = (error: RuntimeError): boolean =>
  error._tag === "Unauthenticated" || error._tag === "UnsupportedProtocolVersion" || error._tag === "InvalidRequest"

/**
 * A `RuntimeClient` over WebSocket. It connects on creation, authenticates with `credentials` (and the
 * device proof, if any), and keeps one connection for all calls and streams.
 *
 * When the connection drops, calls in flight reject with a retryable `Unavailable` (whether they took effect
 * is unknown) and the client reconnects with exponential backoff and jitter while streams are open. It then
 * authenticates again and resubscribes every stream from the last event its consumer received, so a
 * stream continues with no gap and no duplicate. Streams opened during an outage wait for the server too.
 * After `reconnect.giveUpAfterMs` (default 5 minutes) or `reconnect.maxAttempts` failed attempts without a
 * connection, every open stream ends with `Unavailable`. A call made while disconnected waits for the next
 * connection attempt and rejects with `Unavailable` if that attempt fails. No outage, close or failed
 * attempt ever leaves a promise rejection unhandled: the program using the client never crashes because a
 * server went away. Errors are the protocol's typed errors, rebuilt from the wire.
 */
export const createWsClient = (options: WsClientOptions): WsClient => {
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000
  const subscriptions = new Set<ClientSubscription>()
  let byServerId = new Map<string, ClientSubscription>()
  let connection: ClientConnection | undefined
  let connecting: Promise<ClientConnection> | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let retryWaiters: Array<{ resolve(connection: ClientConnection): void; reject(error: RuntimeError): void }> = []
  let failedAttempts = 0
  /** When the client started to want a connection it could not get (`undefined` while connected or idle). */
  let outageSince: number | undefined
  let closed = false
  let fatal: RuntimeError | undefined

  const finish = (subscription: ClientSubscription, error?: RuntimeError) => {
    subscriptions.delete(subscription)
    if (subscription.serverId !== undefined) byServerId.delete(subscription.serverId)
    if (error === undefined) subscription.end()
    else subscription.fail(error)
  }

  const events: ConnectionEvents = {
    onOpen: (opened, hello) => {
      if (hello.session !== undefined) session = hello.session
      failedAttempts = 0
      outageSince = undefined
      for (const subscription of subscriptions) attachTo(subscription, opened)
    },
    onNotification: (from, method, params) => {
      if (from !== connection) return
      if (method === "task.event") {
        const { subscriptionId, ...envelope } = params as TaskEventNotification
        byServerId.get(subscriptionId)?.push(envelope as TaskEventEnvelope)
      } else if (method === "task.end") {
        const { subscriptionId, error } = params as TaskEndNotification
        const subscription = byServerId.get(subscriptionId)
        if (subscription !== undefined) finish(subscription, error === undefined ? undefined : fromErrorInfo(error))
      }
    },
    onLost: (lost, isFatalClose) => {
      if (lost !== connection) return
      connection = undefined
      byServerId = new Map()
      for (const subscription of subscriptions) {
        subscription.connection = undefined
        subscription.serverId = undefined
      }
      if (isFatalClose) {
        fatal = new Unavailable({ reason: "the server refused this client; it will not reconnect" })
        for (const subscription of [...subscriptions]) finish(subscription, fatal)
      } else if (subscriptions.size > 0) scheduleReconnect()
    }
  }

  // A session the server opened for this client (password or provider-token login): later connections
  // present its token instead of the original credentials, until shortly before it expires.
  let session: { readonly token: string; readonly expiresAt: number } | undefined
  const connectionOptions: WsClientOptions = {
    ...options,
    credentials: () =>
      session !== undefined && Date.now() < session.expiresAt - sessionRenewalMarginMs
        ? { type: "token", token: session.token }
        : typeof options.credentials === "function"
          ? options.credentials()
          : options.credentials
  }

  /**
   * Opens a connection. The returned promise may have no consumer (a reconnection nobody awaits), so its
   * rejection is marked handled here; every consumer that does await it handles the error itself.
   */
  const connect = (): Promise<ClientConnection> => {
    let opening: ClientConnection
    try {
      opening = new ClientConnection(connectionOptions, events)
    } catch (error) {
      // No WebSocket implementation, or a URL the implementation refuses: no attempt can ever succeed.
      fatal = isRuntimeError(error) ? error : new Unavailable({ reason: `cannot connect to ${options.url}: ${error}` })
      for (const subscription of [...subscriptions]) finish(subscription, fatal)
      const refused = Promise.reject(fatal)
      refused.catch(() => undefined)
      return refused
    }
    connection = opening
    byServerId = new Map()
    const attempt = opening.ready.then(
      () => {
        if (connecting === attempt) connecting = undefined
        return opening
      },
      (error: RuntimeError) => {
        if (connecting === attempt) connecting = undefined
        if (connection === opening) connection = undefined
        if (isFatal(error)) {
          fatal = error
          for (const subscription of [...subscriptions]) finish(subscription, error)
        }
        failedAttempts++
        scheduleReconnect()
        throw error
      }
    )
    attempt.catch(() => undefined)
    connecting = attempt
    return attempt
  }

  /** Ends every open stream (and call waiting for a connection) because the outage lasted too long. */
  const giveUp = (reason: string) => {
    failedAttempts = 0
    outageSince = undefined
    const error = new Unavailable({ reason })
    for (const waiter of retryWaiters.splice(0)) waiter.reject(error)
    for (const subscription of [...subscriptions]) finish(subscription, error)
  }

  /**
   * Plans the next connection attempt while a stream (or a waiting call) needs one, until the give-up
   * time or attempt limit; idle clients do not reconnect until they are used again.
   */
  const scheduleReconnect = () => {
    if (closed || fatal !== undefined || retryTimer !== undefined || connecting !== undefined) return
    if (subscriptions.size === 0 && retryWaiters.length === 0) {
      failedAttempts = 0
      outageSince = undefined
      return
    }
    const now = Date.now()
    outageSince ??= now
    const giveUpAfterMs = options.reconnect?.giveUpAfterMs ?? defaultGiveUpAfterMs
    const remainingMs = outageSince + giveUpAfterMs - now
    if (failedAttempts >= (options.reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY) || remainingMs <= 0) {
      giveUp(
        `no connection to ${options.url} for ${now - outageSince} ms (${failedAttempts} failed attempts); gave up reconnecting`
      )
      return
    }
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined
        const waiters = retryWaiters
        retryWaiters = []
        const attempt = connect()
        for (const waiter of waiters) attempt.then(waiter.resolve, waiter.reject)
      },
      Math.min(backoffDelayMs(options.reconnect, failedAttempts + 1), remainingMs)
    )
  }

  const ensureConnection = (): Promise<ClientConnection> => {
    if (closed) return Promise.reject(clientClosed())
    if (fatal !== undefined) return Promise.reject(fatal)
    if (connection?.state === "open") return Promise.resolve(connection)
    if (connecting !== undefined) return connecting
    if (retryTimer !== undefined)
      return new Promise((resolve, reject) => {
        retryWaiters.push({ resolve, reject })
      })
    return connect()
  }

  /** Registers a stream on a connection, with the params that resume it from where its consumer is. */
  const attachTo = (subscription: ClientSubscription, on: ClientConnection) => {
    if (subscription.finished || subscription.connection === on || on.state !== "open") return
    subscription.connection = on
    subscription.serverId = undefined
    const method = subscription.target.kind === "task" ? "task.subscribe" : "task.subscribeAll"
    on.request(method, subscription.params(), requestTimeoutMs, {
      resolve: (result) => {
        const { subscriptionId } = result as { readonly subscriptionId: string }
        if (subscription.finished || subscription.connection !== on) {
          on.request("task.unsubscribe", { subscriptionId }, requestTimeoutMs, { resolve: () => {}, reject: () => {} })
          return
        }
        subscription.serverId = subscriptionId
        subscription.acknowledged = true
        byServerId.set(subscriptionId, subscription)
      },
      reject: (error) => {
        if (subscription.finished || subscription.connection !== on) return
        // A drop is repaired by the reconnect; a rate limit only delays the resubscription.
        if (isConnectionLost(error)) return
        if (error._tag === "RateLimited") {
          subscription.connection = undefined
          setTimeout(() => attach(subscription), error.retryAfterMs)
          return
        }
        finish(subscription, error)
      }
    })
  }

  const attach = (subscription: ClientSubscription) => {
    ensureConnection().then(
      (ready) => attachTo(subscription, ready),
      (error: RuntimeError) => {
        // A failed attempt is not the stream's end: the reconnection loop attaches it to the next
        // connection, or ends it when the client gives up.
        if (!subscription.finished && (fatal !== undefined || closed)) finish(subscription, error)
      }
    )
  }

  const stop = (subscription: ClientSubscription) => {
    const { serverId, connection: on } = subscription
    subscriptions.delete(subscription)
    subscription.stop()
    if (serverId === undefined || on === undefined || on.state !== "open") return
    byServerId.delete(serverId)
    on.request("task.unsubscribe", { subscriptionId: serverId }, requestTimeoutMs, {
      resolve: () => {},
      reject: () => {}
    })
  }

  const stream = (
    subscription: () => ClientSubscription,
    signal: AbortSignal | undefined
  ): AsyncIterable<TaskEventEnvelope> => ({
    [Symbol.asyncIterator]: () => {
      let current: ClientSubscription | undefined
      const start = () => {
        const opened = subscription()
        current = opened
        if (closed) opened.fail(clientClosed())
        else if (signal?.aborted) opened.stop()
        else {
          signal?.addEventListener("abort", () => stop(opened), { once: true })
          subscriptions.add(opened)
          attach(opened)
        }
        return opened
      }
      return {
        next: () => (current ?? start()).next(),
        return: async () => {
          if (current !== undefined) stop(current)
          return { done: true, value: undefined }
        }
      }
    }
  })

  const call = <A>(method: string, params: unknown, callOptions: CallOptions | undefined): Promise<A> => {
    const signal = callOptions?.signal
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (closed) return Promise.reject(clientClosed())
    return new Promise<A>((resolve, reject) => {
      let settled = false
      let forget = () => {}
      const timer = setTimeout(
        () => done(() => reject(new Timeout({ operation: method, timeoutMs: requestTimeoutMs }))),
        requestTimeoutMs
      )
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
      ensureConnection().then(
        (ready) => {
          if (settled) return
          forget = ready.request(method, params, requestTimeoutMs, {
            resolve: (result) => done(() => resolve(result as A)),
            reject: (error) => done(() => reject(error))
          })
        },
        (error: RuntimeError) => done(() => reject(error))
      )
    })
  }

  connect().catch(() => undefined)

  return {
    hello: () => ensureConnection().then((opened) => opened.ready),
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
      if (closed) return
      closed = true
      if (retryTimer !== undefined) clearTimeout(retryTimer)
      retryTimer = undefined
      for (const waiter of retryWaiters.splice(0)) waiter.reject(clientClosed())
      for (const subscription of [...subscriptions]) finish(subscription, clientClosed())
      connection?.close(clientClosed())
      connection = undefined
    }
  }
}

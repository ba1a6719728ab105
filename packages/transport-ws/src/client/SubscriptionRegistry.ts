import {
  fromErrorInfo,
  type RuntimeError,
  type TaskEndNotification,
  type TaskEventEnvelope,
  type TaskEventNotification
} from "@coderclaw/protocol"
import type { ClientConnection } from "./ClientConnection.js"
import type { ClientSubscription } from "./ClientSubscription.js"
import { isConnectionLost } from "./ConnectionLost.js"

/** What the registry needs from the client. */
export interface RegistryHost {
  readonly requestTimeoutMs: number
  /** An open connection, waiting for the reconnection if needed. */
  ensureConnection(): Promise<ClientConnection>
  /** Whether the client will never connect again (closed, or refused for good). */
  stopped(): boolean
}

const ignore = { resolve: () => undefined, reject: () => undefined }

/**
 * The client's open streams and, for the current connection, the server's subscription id of each: routes
 * `task.event` and `task.end` to their stream, and (re)subscribes every stream from where its consumer is
 * whenever a connection opens.
 */
export class SubscriptionRegistry {
  private readonly open = new Set<ClientSubscription>()
  private byServerId = new Map<string, ClientSubscription>()

  constructor(private readonly host: RegistryHost) {}

  /** How many streams are open. */
  get size(): number {
    return this.open.size
  }

  /** Opens a stream: registers it and subscribes it on the (next) connection. */
  add(subscription: ClientSubscription): void {
    this.open.add(subscription)
    this.attach(subscription)
  }

  /** Ends a stream: cleanly without `error`, failed with it. */
  finish(subscription: ClientSubscription, error?: RuntimeError): void {
    this.open.delete(subscription)
    if (subscription.serverId !== undefined) this.byServerId.delete(subscription.serverId)
    if (error === undefined) subscription.end()
    else subscription.fail(error)
  }

  /** Fails every open stream with `error`. */
  failAll(error: RuntimeError): void {
    for (const subscription of [...this.open]) this.finish(subscription, error)
  }

  /** The consumer stopped reading: the stream ends at once and the server is told, when it can be. */
  stop(subscription: ClientSubscription): void {
    const { serverId, connection: on } = subscription
    this.open.delete(subscription)
    subscription.stop()
    if (serverId === undefined || on === undefined || on.state !== "open") return
    this.byServerId.delete(serverId)
    on.request("task.unsubscribe", { subscriptionId: serverId }, this.host.requestTimeoutMs, ignore)
  }

  /** A new connection is being opened: the server ids of the previous one mean nothing on it. */
  forgetServerIds(): void {
    this.byServerId = new Map()
  }

  /** The connection was lost: every stream waits for the next one. */
  detachAll(): void {
    this.forgetServerIds()
    for (const subscription of this.open) {
      subscription.connection = undefined
      subscription.serverId = undefined
    }
  }

  /** A connection opened: every stream subscribes on it, from the last event its consumer received. */
  attachAll(on: ClientConnection): void {
    for (const subscription of this.open) this.attachTo(subscription, on)
  }

  /** Routes a stream notification of `from`, the current connection. */
  deliver(from: ClientConnection, method: string, params: unknown): void {
    if (method === "task.event") {
      const { subscriptionId, ...envelope } = params as TaskEventNotification
      this.byServerId.get(subscriptionId)?.push(envelope as TaskEventEnvelope)
    } else if (method === "task.end") {
      const { subscriptionId, error } = params as TaskEndNotification
      const subscription = this.byServerId.get(subscriptionId)
      if (subscription === undefined) return
      const ended = error === undefined ? undefined : fromErrorInfo(error)
      if (ended?._tag === "Unavailable" && subscription.resumedOn !== from) this.resume(subscription, from)
      else this.finish(subscription, ended)
    }
  }

  /**
   * A stream the server ended with `Unavailable` (it is shutting down) is subscribed again from its last
   * event, like after a disconnect: when the server is going away the connection then closes and the
   * stream continues on the next one; when it is not, the new subscription's answer says why. Once per
   * connection, so a stream the server keeps ending fails instead of looping.
   */
  private resume(subscription: ClientSubscription, from: ClientConnection): void {
    if (subscription.serverId !== undefined) this.byServerId.delete(subscription.serverId)
    subscription.serverId = undefined
    subscription.connection = undefined
    subscription.resumedOn = from
    this.attach(subscription)
  }

  private attach(subscription: ClientSubscription): void {
    this.host.ensureConnection().then(
      (ready) => this.attachTo(subscription, ready),
      (error: RuntimeError) => {
        // A failed attempt is not the stream's end: the reconnection loop attaches it to the next
        // connection, or ends it when the client gives up.
        if (!subscription.finished && this.host.stopped()) this.finish(subscription, error)
      }
    )
  }

  /** Registers a stream on a connection, with the params that resume it from where its consumer is. */
  private attachTo(subscription: ClientSubscription, on: ClientConnection): void {
    if (subscription.finished || subscription.connection === on || on.state !== "open") return
    subscription.connection = on
    subscription.serverId = undefined
    const method = subscription.target.kind === "task" ? "task.subscribe" : "task.subscribeAll"
    const { requestTimeoutMs } = this.host
    on.request(method, subscription.params(), requestTimeoutMs, {
      resolve: (result) => {
        const { subscriptionId } = result as { readonly subscriptionId: string }
        if (subscription.finished || subscription.connection !== on) {
          on.request("task.unsubscribe", { subscriptionId }, requestTimeoutMs, ignore)
          return
        }
        subscription.serverId = subscriptionId
        this.byServerId.set(subscriptionId, subscription)
      },
      reject: (error) => {
        if (subscription.finished || subscription.connection !== on) return
        // A drop is repaired by the reconnect; a rate limit only delays the resubscription.
        if (isConnectionLost(error)) return
        if (error._tag === "RateLimited") {
          subscription.connection = undefined
          setTimeout(() => this.attach(subscription), error.retryAfterMs)
          return
        }
        this.finish(subscription, error)
      }
    })
  }
}

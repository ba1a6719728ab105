import type { RuntimeError, TaskEventEnvelope } from "@coderclaw/protocol"
import type { ClientConnection } from "./ClientConnection.js"

/**
 * One stream a consumer reads, across any number of connections. It remembers the last `seq` (single task)
 * or `position` (all tasks) it delivered, so after a reconnect it resubscribes from exactly there and drops
 * anything it already delivered: no gap, no duplicate.
 */
export class ClientSubscription {
  /** The connection this subscription is (being) registered on, and its id there. */
  connection: ClientConnection | undefined
  serverId: string | undefined
  /** The connection on which the server last ended this stream with `Unavailable` and it was resubscribed. */
  resumedOn: ClientConnection | undefined
  private readonly queue: Array<TaskEventEnvelope> = []
  private head = 0
  private waiter: { resolve(result: IteratorResult<TaskEventEnvelope>): void; reject(error: unknown): void } | undefined
  private outcome: { readonly error?: RuntimeError } | undefined

  constructor(
    readonly target:
      | { readonly kind: "task"; readonly taskId: string }
      | { readonly kind: "all"; readonly filter: unknown },
    /** The last seq (task) or position (all) delivered; `undefined` for an all-tasks stream "from now". */
    public cursor: number | undefined
  ) {}

  /** Whether the stream is over (ended, failed or stopped by the consumer). */
  get finished(): boolean {
    return this.outcome !== undefined
  }

  /** The params that (re)open this stream from where the consumer is. */
  params(): Record<string, unknown> {
    if (this.target.kind === "task") return { taskId: this.target.taskId, afterSeq: this.cursor ?? 0 }
    return {
      ...(this.target.filter === undefined ? {} : { filter: this.target.filter }),
      ...(this.cursor === undefined ? {} : { afterPosition: this.cursor })
    }
  }

  /** Delivers an event unless it was delivered already. */
  push(envelope: TaskEventEnvelope): void {
    if (this.outcome !== undefined) return
    const mark = this.target.kind === "task" ? envelope.seq : envelope.position
    if (this.cursor !== undefined && mark <= this.cursor) return
    this.cursor = mark
    if (this.waiter !== undefined) {
      const waiter = this.waiter
      this.waiter = undefined
      waiter.resolve({ done: false, value: envelope })
    } else this.queue.push(envelope)
  }

  /** Ends the stream after the events already queued. */
  end(): void {
    this.settle({})
  }

  /** Fails the stream after the events already queued. */
  fail(error: RuntimeError): void {
    this.settle({ error })
  }

  /** Stops at once, dropping queued events (the consumer stopped reading). */
  stop(): void {
    this.queue.length = 0
    this.head = 0
    this.settle({})
  }

  next(): Promise<IteratorResult<TaskEventEnvelope>> {
    if (this.head < this.queue.length) {
      const value = this.queue[this.head++] as TaskEventEnvelope
      if (this.head > 1_024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head)
        this.head = 0
      }
      return Promise.resolve({ done: false, value })
    }
    if (this.outcome !== undefined)
      return this.outcome.error === undefined
        ? Promise.resolve({ done: true, value: undefined })
        : Promise.reject(this.outcome.error)
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject }
    })
  }

  private settle(outcome: { readonly error?: RuntimeError }): void {
    if (this.outcome !== undefined) return
    this.outcome = outcome
    const waiter = this.waiter
    this.waiter = undefined
    if (waiter === undefined) return
    if (outcome.error === undefined) waiter.resolve({ done: true, value: undefined })
    else waiter.reject(outcome.error)
  }
}

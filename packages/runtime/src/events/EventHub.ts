import type { TaskEventEnvelope, TaskId } from "@coderclaw/protocol"
import { Subscriber } from "./Subscriber.js"

/**
 * Fans journalled events out to live subscribers, per task and across tasks. It only ever sees events that
 * are already durable, and it publishes them in journal position order (an out-of-order batch waits for the
 * batches before it), so a subscriber's stream is ordered and can detect gaps by seq or position.
 */
export class EventHub {
  private readonly perTask = new Map<TaskId, Set<Subscriber>>()
  private readonly global = new Set<Subscriber>()
  private nextPosition: number
  private readonly early = new Map<number, TaskEventEnvelope>()

  constructor(
    lastPosition: number,
    private readonly capacity: number
  ) {
    this.nextPosition = lastPosition + 1
  }

  publish(envelopes: ReadonlyArray<TaskEventEnvelope>): void {
    for (const envelope of envelopes) this.early.set(envelope.position, envelope)
    for (let next = this.early.get(this.nextPosition); next !== undefined; next = this.early.get(this.nextPosition)) {
      this.early.delete(this.nextPosition)
      this.nextPosition++
      for (const subscriber of this.perTask.get(next.taskId) ?? []) subscriber.push(next)
      for (const subscriber of this.global) subscriber.push(next)
    }
  }

  subscribeTask(taskId: TaskId): Subscriber {
    const subscriber = new Subscriber(this.capacity, () => true)
    const set = this.perTask.get(taskId)
    if (set === undefined) this.perTask.set(taskId, new Set([subscriber]))
    else set.add(subscriber)
    return subscriber
  }

  subscribeAll(accepts: (envelope: TaskEventEnvelope) => boolean): Subscriber {
    const subscriber = new Subscriber(this.capacity, accepts)
    this.global.add(subscriber)
    return subscriber
  }

  unsubscribe(subscriber: Subscriber, taskId?: TaskId): void {
    if (taskId === undefined) {
      this.global.delete(subscriber)
      return
    }
    const set = this.perTask.get(taskId)
    set?.delete(subscriber)
    if (set !== undefined && set.size === 0) this.perTask.delete(taskId)
  }

  /** Wakes every subscriber, e.g. so their streams notice the runtime shutting down. */
  wakeAll(): void {
    for (const set of this.perTask.values()) for (const subscriber of set) subscriber.notify()
    for (const subscriber of this.global) subscriber.notify()
  }

  get subscriberCount(): number {
    let count = this.global.size
    for (const set of this.perTask.values()) count += set.size
    return count
  }
}

import type { RuntimeClient, TaskEventEnvelope, TaskRecord, TaskStatus } from "@coderclaw/protocol"

/** Reads a stream to its end. A task stream must end by itself after the task's final event. */
export const collect = async <A>(stream: AsyncIterable<A>): Promise<Array<A>> => {
  const items: Array<A> = []
  for await (const item of stream) items.push(item)
  return items
}

/**
 * Reads a stream until `done` holds for an item (included), then stops reading, which unsubscribes.
 * Fails if the stream ends first.
 */
export const readUntil = async <A>(stream: AsyncIterable<A>, done: (item: A) => boolean): Promise<Array<A>> => {
  const items: Array<A> = []
  for await (const item of stream) {
    items.push(item)
    if (done(item)) return items
  }
  throw new Error(`the stream ended after ${items.length} items without the awaited one`)
}

const isFinalStatus = (status: TaskStatus) => status === "completed" || status === "failed" || status === "cancelled"

/** True for the event that ends a task: a `status_changed` into a final status. */
export const isFinalEvent = (envelope: TaskEventEnvelope): boolean =>
  envelope.event.type === "status_changed" && isFinalStatus(envelope.event.to)

/** Waits until the task ends (its stream ends) and returns its final record. */
export const settle = async (client: RuntimeClient, taskId: string): Promise<TaskRecord> => {
  await collect(client.subscribe(taskId))
  return client.get(taskId)
}

/**
 * Waits until the task has moved into `status` (now or earlier in its history), and for `waiting`, with
 * `waitingFor` as the reason when given. Returns the history read so far.
 */
export const reached = (
  client: RuntimeClient,
  taskId: string,
  status: TaskStatus,
  waitingFor?: string
): Promise<Array<TaskEventEnvelope>> =>
  readUntil(
    client.subscribe(taskId),
    (envelope) =>
      envelope.event.type === "status_changed" &&
      envelope.event.to === status &&
      (waitingFor === undefined || envelope.event.waitingFor === waitingFor)
  )

/** A task's history in short form: event types, and status changes as `from→to`. */
export const shape = (events: ReadonlyArray<TaskEventEnvelope>): Array<string> =>
  events.map(({ event }) => (event.type === "status_changed" ? `${event.from}→${event.to}` : event.type))

/** Waits `ms` milliseconds. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

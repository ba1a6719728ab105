import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { Effect } from "effect"

/**
 * One live subscription's buffer. The runtime pushes into it and never waits: when the buffer is full the
 * subscriber is marked `lagging` and further events are dropped, and the subscriber's stream later catches
 * up from the journal. So a stalled consumer costs at most `capacity` events of memory and never slows the
 * runtime or other subscribers, and still loses nothing.
 */
export class Subscriber {
  private buffer: Array<TaskEventEnvelope> = []
  private lagging = false
  private wake: (() => void) | undefined
  private wakeScheduled = false

  constructor(
    private readonly capacity: number,
    readonly accepts: (envelope: TaskEventEnvelope) => boolean
  ) {}

  push(envelope: TaskEventEnvelope): void {
    if (!this.accepts(envelope)) return
    if (this.buffer.length >= this.capacity) this.lagging = true
    else this.buffer.push(envelope)
    // A full buffer is handed over at once (a waiting consumer empties it instead of lagging); otherwise the
    // consumer is woken once the current burst of publishing is over, see `wakeSoon`.
    if (this.buffer.length >= this.capacity) this.notify()
    else this.wakeSoon()
  }

  /**
   * Wakes a waiting consumer at the end of the current synchronous run, once, however many events arrive
   * meanwhile. A consumer woken per event (as an Effect fiber, resumed synchronously) paid its whole stream
   * step for every single event; the events one burst of requests or one round of the scheduler publishes
   * now reach it as one batch, a microtask later.
   */
  private wakeSoon(): void {
    if (this.wakeScheduled || this.wake === undefined) return
    this.wakeScheduled = true
    queueMicrotask(this.wakeIfReady)
  }

  private readonly wakeIfReady = (): void => {
    this.wakeScheduled = false
    if (this.buffer.length > 0 || this.lagging) this.notify()
  }

  /** Wakes a waiting consumer now, with or without events (e.g. the runtime is shutting down). */
  notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  /** Waits until there is something to read (or a wake-up), then hands over the buffer. */
  readonly take: Effect.Effect<{ readonly events: ReadonlyArray<TaskEventEnvelope>; readonly lagged: boolean }> =
    Effect.suspend(() => {
      const ready = Effect.sync(() => {
        const events = this.buffer
        const lagged = this.lagging
        this.buffer = []
        this.lagging = false
        return { events, lagged }
      })
      if (this.buffer.length > 0 || this.lagging) return ready
      return Effect.andThen(
        Effect.callback<void>((resume) => {
          this.wake = () => resume(Effect.void)
          return Effect.sync(() => {
            this.wake = undefined
          })
        }),
        ready
      )
    })
}

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

  constructor(
    private readonly capacity: number,
    readonly accepts: (envelope: TaskEventEnvelope) => boolean
  ) {}

  push(envelope: TaskEventEnvelope): void {
    if (!this.accepts(envelope)) return
    if (this.buffer.length >= this.capacity) this.lagging = true
    else this.buffer.push(envelope)
    this.notify()
  }

  /** Wakes a waiting consumer without an event (e.g. the runtime is shutting down). */
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

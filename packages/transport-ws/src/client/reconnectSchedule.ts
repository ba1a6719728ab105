import { Duration, Effect, Exit, Schedule } from "effect"
import type { ReconnectOptions } from "./WsClientOptions.js"

/**
 * The waits between reconnection attempts: exponential from `initialDelayMs` (default 100 ms) by `factor`
 * (default 2), each scaled at random by 0.8–1.2 so clients dropped together do not come back together,
 * never longer than `maxDelayMs` (default 5,000 ms); it ends after `maxAttempts` delays when that is set.
 */
export const reconnectSchedule = (options: ReconnectOptions | undefined): Schedule.Schedule<Duration.Duration> => {
  const ceiling = Duration.millis(options?.maxDelayMs ?? 5_000)
  const delays = Schedule.exponential(Duration.millis(options?.initialDelayMs ?? 100), options?.factor ?? 2).pipe(
    Schedule.jittered,
    // Capped after the jitter, so the longest wait stays `maxDelayMs`.
    Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, ceiling)))
  )
  const maxAttempts = options?.maxAttempts
  return maxAttempts === undefined ? delays : delays.pipe(Schedule.upTo({ times: maxAttempts }))
}

/**
 * Steps a reconnect schedule by hand, one failed attempt at a time, from the client's timers (the client
 * is Promise-based, so the schedule is not driven by `Effect.retry`). `reset` starts it over after a
 * successful connection.
 */
export class ReconnectBackoff {
  private step!: (now: number, input: unknown) => Effect.Effect<[Duration.Duration, Duration.Duration], unknown>
  private steps = 0

  constructor(private readonly schedule: Schedule.Schedule<Duration.Duration>) {
    this.reset()
  }

  /** The wait in milliseconds before the next attempt, or `undefined` once the attempts are used up. */
  next(): number | undefined {
    this.steps++
    const result = Effect.runSyncExit(this.step(Date.now(), undefined))
    return Exit.isSuccess(result) ? Math.round(Duration.toMillis(result.value[1])) : undefined
  }

  /** How many waits were asked for since the last reset: the attempts planned, each of which failed. */
  get attempts(): number {
    return this.steps
  }

  /** Starts the schedule over (the first wait again). */
  reset(): void {
    this.steps = 0
    this.step = Effect.runSync(Schedule.toStep(this.schedule))
  }
}

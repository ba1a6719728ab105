import { Clock, Duration, Effect } from "effect"

/**
 * A clock whose `sleep` returns at once after moving time forward by the requested amount, recording every
 * sleep: polling loops run in virtual time and tests can assert the waits they asked for.
 */
export const makeFakeClock = (startMillis = 1_700_000_000_000) => {
  let now = startMillis
  const sleeps: Array<number> = []
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => now,
    currentTimeMillis: Effect.sync(() => now),
    currentTimeNanosUnsafe: () => BigInt(now) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => BigInt(now) * 1_000_000n,
    monotonicTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    sleep: (duration) =>
      Effect.sync(() => {
        const millis = Duration.toMillis(duration)
        sleeps.push(millis)
        now += millis
      })
  }
  return {
    sleeps,
    now: () => now,
    provide: <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      Effect.provideService(effect, Clock.Clock, clock)
  }
}

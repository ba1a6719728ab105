import { Clock, Duration, Effect } from "effect"
import { LoginFailed, type LoginProvider } from "../LoginFailed.js"

/** What one poll of a device-code token endpoint said. */
export type PollOutcome<A> =
  | { readonly _tag: "Done"; readonly value: A }
  | { readonly _tag: "Pending" }
  /** `interval` is the new interval the server asked for, in seconds, when it named one. */
  | { readonly _tag: "SlowDown"; readonly interval?: number | undefined }

/** RFC 8628 §3.5: the default interval when the server names none. */
const defaultIntervalSeconds = 5
/** Never poll faster than this, whatever the server says, so a bad `interval: 0` cannot turn into a flood. */
const minimumIntervalSeconds = 1
/** RFC 8628 §3.5: every `slow_down` adds 5 seconds to the interval for the rest of the grant. */
const slowDownSeconds = 5

export interface PollOptions<A> {
  readonly provider: LoginProvider
  /** The `interval` of the device authorization response, in seconds. */
  readonly intervalSeconds: number | undefined
  /** The `expires_in` of the device authorization response, in seconds. */
  readonly expiresInSeconds: number
  /** An optional shorter limit chosen by the caller. */
  readonly timeout: Duration.Input | undefined
  readonly poll: Effect.Effect<PollOutcome<A>, LoginFailed>
}

/**
 * Polls a device-code token endpoint until it yields a result: waits `interval` before every poll (the
 * server counts early polls as abuse), adds 5 s on `slow_down`, and gives up with `timeout` once the next
 * poll would fall after the device code's expiry or the caller's limit. Time comes from Effect's `Clock`,
 * so tests run the whole exchange in virtual time.
 */
export const pollDeviceGrant = <A>(options: PollOptions<A>): Effect.Effect<A, LoginFailed> =>
  Effect.gen(function* () {
    const start = yield* Clock.currentTimeMillis
    const limitMs = Math.min(
      options.expiresInSeconds * 1000,
      options.timeout === undefined
        ? Number.POSITIVE_INFINITY
        : Duration.toMillis(Duration.fromInputUnsafe(options.timeout))
    )
    const deadline = start + limitMs
    let interval = Math.max(options.intervalSeconds ?? defaultIntervalSeconds, minimumIntervalSeconds)
    for (;;) {
      const now = yield* Clock.currentTimeMillis
      if (now + interval * 1000 > deadline) {
        return yield* Effect.fail(
          new LoginFailed({
            provider: options.provider,
            reason: "Timeout",
            detail: `not approved within ${Math.round(limitMs / 1000)} s`
          })
        )
      }
      yield* Effect.sleep(Duration.seconds(interval))
      const outcome = yield* options.poll
      switch (outcome._tag) {
        case "Done":
          return outcome.value
        case "Pending":
          break
        case "SlowDown":
          interval = Math.max(interval + slowDownSeconds, outcome.interval ?? 0)
          break
      }
    }
  })

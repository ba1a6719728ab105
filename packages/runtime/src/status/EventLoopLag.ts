import { monitorEventLoopDelay } from "node:perf_hooks"
import { Effect } from "effect"

/**
 * Measures how late the event loop runs timers (Node's histogram sampler), for the `event-loop-lag` health
 * check. Started with the runtime and stopped with its scope.
 */
export const makeEventLoopLag = Effect.acquireRelease(
  Effect.sync(() => {
    const histogram = monitorEventLoopDelay({ resolution: 20 })
    histogram.enable()
    return histogram
  }),
  (histogram) => Effect.sync(() => histogram.disable())
).pipe(
  Effect.map((histogram) => ({
    /** The 99th percentile of the lag since the previous reading, in milliseconds; resets the window. */
    readP99Ms: Effect.sync(() => {
      const p99 = histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0
      histogram.reset()
      return p99
    })
  }))
)

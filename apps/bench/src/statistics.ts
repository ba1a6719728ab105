/** The value below which `fraction` of the sorted samples fall (nearest rank). */
export const percentile = (sorted: ReadonlyArray<number>, fraction: number): number => {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))
  return sorted[rank] as number
}

/** p50 and p99 of a set of latencies, in milliseconds. */
export const latencySummary = (samples: ReadonlyArray<number>) => {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), count: sorted.length }
}

/** Sleeps until a high-resolution timestamp (ms since performance.timeOrigin). */
export const sleepUntil = (at: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())))

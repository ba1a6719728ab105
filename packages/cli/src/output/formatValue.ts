/** A JSON value for people: indented, cut after `max` characters. */
export const formatJson = (value: unknown, max = 4_000): string => {
  const text = JSON.stringify(value, null, 2) ?? "null"
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters; use --json)`
}

/** A duration in ms as `850 ms`, `12.3 s` or `4 min 05 s`. */
export const formatDuration = (ms: number): string => {
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${String(Math.round((ms % 60_000) / 1_000)).padStart(2, "0")} s`
}

import type { JsonValue, TaskRecord } from "@coderclaw/protocol"

type Json = { readonly [key: string]: JsonValue }

const isObject = (value: JsonValue | undefined): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const count = (value: number) => value.toLocaleString("en-US")

/** `repo-scanner`'s report in one line: lines, the top languages, TODO/FIXME counts. */
const describeScan = (result: Json): string => {
  const languages = Array.isArray(result.languages) ? result.languages.filter(isObject) : []
  const top = languages
    .slice(0, 3)
    .map((entry) => `${String(entry.language)} ${count(Number(entry.lines))}`)
    .join(", ")
  const todos = isObject(result.todos) ? Number(result.todos.count) : 0
  return `${count(Number(result.files))} files, ${count(Number(result.lines))} lines (${top}), ${count(todos)} TODO/FIXME`
}

/** `reviewer`'s findings in one line, per severity. */
const describeReview = (result: Json): string => {
  const counts = isObject(result.counts) ? result.counts : {}
  const parts = ["critical", "high", "medium", "low"].map(
    (severity) => `${count(Number(counts[severity] ?? 0))} ${severity}`
  )
  return `${count(Number(result.filesReviewed))} files reviewed: ${parts.join(", ")}`
}

/** A workflow's result: how many of its steps completed. */
const describeWorkflow = (result: Json): string => {
  const steps = isObject(result.steps) ? Object.entries(result.steps) : []
  const done = steps.filter(([, step]) => isObject(step) && step.status === "completed").length
  return `${String(result.status)}: ${done} of ${steps.length} steps completed`
}

/** What a task produced, in one line for the summary table. */
export const describeResult = (record: TaskRecord): string => {
  if (record.status === "failed") return `${record.error?.code ?? "FAILED"}: ${record.error?.message ?? ""}`
  if (record.status === "cancelled") return "cancelled"
  const result = record.result
  if (!isObject(result)) return JSON.stringify(result ?? null).slice(0, 80)
  if (result.kind === "repo-scan") return describeScan(result)
  if (result.kind === "review") return describeReview(result)
  if (result.kind === "changes") {
    const status = isObject(result.status) && Array.isArray(result.status.entries) ? result.status.entries.length : 0
    const commits = Array.isArray(result.commits) ? result.commits.length : 0
    return `${status} changed paths, last ${commits} commits read`
  }
  if (result.kind === "search") {
    const searches = Array.isArray(result.searches) ? result.searches.filter(isObject) : []
    const hits = searches.reduce(
      (total, search) => total + (Array.isArray(search.matches) ? search.matches.length : 0),
      0
    )
    return `${count(hits)} ${hits === 1 ? "match" : "matches"} of ${searches.map((search) => `"${String(search.query)}"`).join(", ")}`
  }
  if (typeof result.name === "string" && isObject(result.steps)) return describeWorkflow(result)
  if (typeof result.directory === "string")
    return `${count(Number(result.files))} files, ${count(Number(result.bytes))} bytes in ${result.directory}`
  return JSON.stringify(result).slice(0, 80)
}

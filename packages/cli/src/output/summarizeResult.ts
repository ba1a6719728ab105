import type { JsonValue } from "@coderclaw/protocol"
import { formatDuration, formatJson } from "./formatValue.js"
import { singleLine, table, truncate } from "./table.js"

type Json = { readonly [key: string]: JsonValue }

const isObject = (value: JsonValue | undefined): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value)
const objects = (value: JsonValue | undefined): ReadonlyArray<Json> =>
  Array.isArray(value) ? value.filter(isObject) : []
const text = (value: JsonValue | undefined): string => (typeof value === "string" ? singleLine(value) : "")
const count = (value: JsonValue | undefined): string =>
  typeof value === "number" ? value.toLocaleString("en-US") : "?"
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`
const where = (item: Json): string =>
  typeof item.path !== "string" ? "" : typeof item.line === "number" ? `${item.path}:${item.line}` : item.path

/** How many entries of each list are shown before "… N more (use --json)". */
const shown = 10

const more = (total: number, listed: number): Array<string> =>
  total > listed ? [`  … ${total - listed} more (use --json)`] : []

const indent = (block: string): Array<string> => block.split("\n").map((line) => `  ${line}`)

/** `repo-scanner`: totals, lines per language, the first TODO/FIXME markers. */
const scan = (result: Json): Array<string> => {
  const languages = objects(result.languages)
  const todos = isObject(result.todos) ? result.todos : {}
  const items = objects(todos.items)
  const byKind = isObject(todos.byKind) ? Object.entries(todos.byKind).map(([kind, n]) => `${count(n)} ${kind}`) : []
  return [
    `scanned ${text(result.path) || "."}: ${count(result.files)} files, ${count(result.lines)} lines${result.truncated === true ? " (listing truncated)" : ""}`,
    ...(languages.length === 0
      ? []
      : indent(
          table(
            ["LANGUAGE", "FILES", "LINES"],
            languages.slice(0, shown).map((entry) => [text(entry.language), count(entry.files), count(entry.lines)])
          )
        )),
    ...more(languages.length, shown),
    `markers: ${count(todos.count)}${byKind.length === 0 ? "" : ` (${byKind.join(", ")})`}`,
    ...items.slice(0, shown).map((item) => `  ${where(item)}  ${truncate(text(item.text), 100)}`),
    ...more(typeof todos.count === "number" ? todos.count : items.length, Math.min(items.length, shown))
  ]
}

/** `test-runner`: passed or failed, the counts, the last lines of the output. */
const testRun = (result: Json): Array<string> => {
  const command = Array.isArray(result.command) ? result.command.map(String).join(" ") : text(result.command)
  const counts = isObject(result.counts) ? result.counts : undefined
  const ended =
    result.timedOut === true
      ? "timed out"
      : result.signal !== null && result.signal !== undefined
        ? `killed by ${text(result.signal)}`
        : `exit code ${String(result.exitCode)}`
  const tail = typeof result.outputTail === "string" ? result.outputTail.trimEnd().split("\n").slice(-shown) : []
  return [
    `tests ${result.passed === true ? "passed" : "FAILED"}: ${command} (in ${text(result.cwd) || "."}, ${ended}${typeof result.durationMs === "number" ? `, ${formatDuration(result.durationMs)}` : ""})`,
    counts === undefined
      ? "counts: no test summary recognised in the output"
      : `counts: ${count(counts.passed)} passed, ${count(counts.failed)} failed, ${count(counts.skipped)} skipped of ${count(counts.total)} (${text(counts.reporter)})`,
    ...(tail.length === 0 || (tail.length === 1 && tail[0] === "")
      ? []
      : ["last lines of the output:", ...tail.map((line) => `  │ ${truncate(singleLine(line), 160)}`)])
  ]
}

/** `reviewer`: counts per severity, then the most severe findings. */
const review = (result: Json): Array<string> => {
  const counts = isObject(result.counts) ? result.counts : {}
  const findings = objects(result.findings)
  const severities = ["critical", "high", "medium", "low", "info"].map(
    (severity) => `${count(counts[severity] ?? 0)} ${severity}`
  )
  return [
    `reviewed ${count(result.filesReviewed)} files: ${severities.join(", ")}${result.truncated === true ? " (truncated)" : ""}`,
    ...(findings.length === 0
      ? []
      : indent(
          table(
            ["SEVERITY", "RULE", "WHERE", "FINDING"],
            findings
              .slice(0, shown)
              .map((finding) => [
                text(finding.severity),
                text(finding.rule),
                where(finding) || "-",
                truncate(text(finding.message), 90)
              ])
          )
        )),
    ...more(findings.length, shown)
  ]
}

/** `git-changes`: the branch, the changed paths, the newest commits. */
const changes = (result: Json): Array<string> => {
  const status = isObject(result.status) ? result.status : {}
  const branch = isObject(status.branch) ? status.branch : {}
  const entries = objects(status.entries)
  const commits = objects(result.commits)
  const head = typeof branch.head === "string" ? `on ${branch.head}` : "HEAD detached"
  const upstream =
    typeof branch.upstream === "string"
      ? ` (${branch.upstream}: ${count(branch.ahead ?? 0)} ahead, ${count(branch.behind ?? 0)} behind)`
      : ""
  return [
    `${head}${upstream}: ${plural(entries.length, "changed path")}`,
    ...entries.slice(0, shown).map((entry) => `  ${text(entry.code).padEnd(2)} ${text(entry.path)}`),
    ...more(entries.length, shown),
    `newest ${plural(commits.length, "commit")}:`,
    ...commits
      .slice(0, shown)
      .map(
        (commit) =>
          `  ${text(commit.shortHash)} ${truncate(text(commit.subject), 80)}${isObject(commit.author) ? ` (${text(commit.author.name)})` : ""}`
      ),
    ...more(commits.length, shown)
  ]
}

/** `code-search`: per query, its matches with their place. */
const search = (result: Json): Array<string> => {
  const searches = objects(result.searches)
  if (searches.length === 0) return [`no search ran${typeof result.note === "string" ? `: ${text(result.note)}` : ""}`]
  return searches.flatMap((found) => {
    const matches = objects(found.matches)
    return [
      `"${text(found.query)}": ${plural(matches.length, "match", "matches")}${found.truncated === true ? " (truncated)" : ""}`,
      ...matches
        .slice(0, shown)
        .map(
          (match) =>
            `  ${where(match)}${typeof match.column === "number" ? `:${match.column}` : ""}  ${truncate(text(match.preview).trim(), 100)}`
        ),
      ...more(matches.length, shown)
    ]
  })
}

/** A workflow: its status, then each step's status and the first line of its own summary. */
const workflow = (result: Json): Array<string> => {
  const steps = isObject(result.steps) ? Object.entries(result.steps) : []
  const rows = steps.map(([id, step]) => {
    const outcome = isObject(step) ? step : {}
    const error = isObject(outcome.error) ? `${text(outcome.error.code)}: ${text(outcome.error.message)}` : ""
    const detail =
      outcome.result !== undefined
        ? (summarizeResult(outcome.result).split("\n")[0] ?? "")
        : error || text(outcome.reason)
    return [id, text(outcome.status), truncate(detail, 100)]
  })
  return [`workflow ${text(result.name)} ${text(result.status)}`, ...indent(table(["STEP", "STATUS", "RESULT"], rows))]
}

/**
 * A task's result for people: a few lines per built-in agent (`repo-scanner`, `test-runner`, `reviewer`,
 * `git-changes`, `code-search`, a workflow), lists cut after ten entries; any other result as indented JSON.
 * Scripts read the whole result with `--json`.
 */
export const summarizeResult = (result: JsonValue | undefined): string => {
  if (!isObject(result)) return formatJson(result ?? null)
  switch (result.kind) {
    case "repo-scan":
      return scan(result).join("\n")
    case "test-run":
      return testRun(result).join("\n")
    case "review":
      return review(result).join("\n")
    case "changes":
      return changes(result).join("\n")
    case "search":
      return search(result).join("\n")
  }
  if (typeof result.name === "string" && isObject(result.steps) && typeof result.status === "string") {
    return workflow(result).join("\n")
  }
  return formatJson(result)
}

import { Worker } from "node:worker_threads"
import { Effect } from "effect"

/** A line that matched: repository-relative path, 1-based line and column, and the line around the match. */
export type SearchMatch = {
  readonly path: string
  readonly line: number
  readonly column: number
  readonly preview: string
}

/** What a search found. */
export interface SearchOutcome {
  readonly matches: ReadonlyArray<SearchMatch>
  readonly filesSearched: number
  readonly truncated: boolean
}

/** What the search worker is given. */
export interface SearchJob {
  readonly files: ReadonlyArray<{ readonly path: string; readonly absolute: string }>
  readonly source: string
  readonly flags: string
  readonly maxResults: number
  readonly maxFileBytes: number
}

/** Why a search did not finish: it ran past its time limit, or the worker crashed. */
export type SearchFailure = { readonly kind: "timeout" } | { readonly kind: "crashed"; readonly detail: string }

// The worker's code, plain CommonJS evaluated by `new Worker(…, { eval: true })`: it has no imports of ours,
// so it runs the same from the sources and from the build. It reads each file (not following a symlink
// swapped in since the walk), skips binary and oversized files, and reports the first match of each line.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads")
const fs = require("node:fs")
const { files, source, flags, maxResults, maxFileBytes } = workerData
const pattern = new RegExp(source, flags)
const previewOf = (line, index, length) => {
  if (line.length <= 200) return line
  const start = Math.max(0, Math.min(index - 60, line.length - 200))
  const end = Math.min(line.length, start + Math.max(200, length))
  return (start > 0 ? "…" : "") + line.slice(start, end) + (end < line.length ? "…" : "")
}
const matches = []
let filesSearched = 0
let truncated = false
outer: for (const file of files) {
  let buffer
  try {
    const fd = fs.openSync(file.absolute, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
    try { buffer = fs.readFileSync(fd) } finally { fs.closeSync(fd) }
  } catch { continue }
  if (buffer.length > maxFileBytes || buffer.subarray(0, 8000).includes(0)) continue
  filesSearched++
  const lines = buffer.toString("utf8").split("\\n")
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]
    if (line.endsWith("\\r")) line = line.slice(0, -1)
    const match = pattern.exec(line)
    if (match === null) continue
    if (matches.length >= maxResults) { truncated = true; break outer }
    matches.push({ path: file.path, line: index + 1, column: match.index + 1, preview: previewOf(line, match.index, match[0].length) })
  }
}
parentPort.postMessage({ matches, filesSearched, truncated })
`

/**
 * Runs a search in a worker thread, so a pattern that backtracks catastrophically (`(a+)+$`) cannot block
 * the runtime: past `timeoutMs` (or when the calling fiber is interrupted) the worker is terminated.
 */
export const runSearch = (job: SearchJob, timeoutMs: number): Effect.Effect<SearchOutcome, SearchFailure> =>
  Effect.callback<SearchOutcome, SearchFailure>((resume) => {
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: 256 }
    })
    const stop = () => {
      clearTimeout(timer)
      void worker.terminate()
    }
    const timer = setTimeout(() => {
      stop()
      resume(Effect.fail({ kind: "timeout" }))
    }, timeoutMs)
    worker.once("message", (outcome: SearchOutcome) => {
      stop()
      resume(Effect.succeed(outcome))
    })
    worker.once("error", (error) => {
      stop()
      resume(Effect.fail({ kind: "crashed", detail: error.message }))
    })
    worker.once("exit", (code) => {
      stop()
      resume(Effect.fail({ kind: "crashed", detail: `the search worker exited with code ${code}` }))
    })
    return Effect.sync(stop)
  })

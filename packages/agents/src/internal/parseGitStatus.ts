/** What one column (index or work tree) of a porcelain status line says about a file. */
export type FileState =
  | "unmodified"
  | "modified"
  | "type-changed"
  | "added"
  | "deleted"
  | "renamed"
  | "copied"
  | "unmerged"
  | "untracked"
  | "ignored"

/** One changed file of `git status`. */
export type StatusEntry = {
  readonly path: string
  /** The path it had before a rename or copy. */
  readonly originalPath?: string
  /** The two-letter porcelain code, e.g. `" M"`, `"A "`, `"??"`, `"UU"`. */
  readonly code: string
  readonly index: FileState
  readonly worktree: FileState
  readonly staged: boolean
  readonly conflicted: boolean
}

/** The branch line of `git status --branch`. */
export type BranchState = {
  /** The branch checked out, or `null` when HEAD is detached. */
  readonly head: string | null
  readonly upstream: string | null
  readonly ahead: number
  readonly behind: number
  /** True before the first commit. */
  readonly initial: boolean
}

const states: Record<string, FileState> = {
  " ": "unmodified",
  M: "modified",
  T: "type-changed",
  A: "added",
  D: "deleted",
  R: "renamed",
  C: "copied",
  U: "unmerged",
  "?": "untracked",
  "!": "ignored"
}

const conflicts = new Set(["DD", "AU", "UD", "UA", "DU", "AA", "UU"])

const parseBranch = (line: string): BranchState => {
  const text = line.slice(3)
  const initial = /^(?:No commits yet on|Initial commit on) (.+)$/.exec(text)
  if (initial?.[1] !== undefined) return { head: initial[1], upstream: null, ahead: 0, behind: 0, initial: true }
  if (text.startsWith("HEAD (no branch)")) return { head: null, upstream: null, ahead: 0, behind: 0, initial: false }
  const match = /^(.+?)(?:\.\.\.(\S+))?(?: \[(.*)\])?$/.exec(text)
  const counts = match?.[3] ?? ""
  return {
    head: match?.[1] ?? text,
    upstream: match?.[2] ?? null,
    ahead: Number(/ahead (\d+)/.exec(counts)?.[1] ?? 0),
    behind: Number(/behind (\d+)/.exec(counts)?.[1] ?? 0),
    initial: false
  }
}

/**
 * Parses `git status --porcelain=v1 -z --branch`: NUL-separated records, the first the branch line
 * (`## main...origin/main [ahead 1]`), then `XY path`, with renames and copies followed by a record holding
 * the original path.
 */
export const parseGitStatus = (
  output: string
): { readonly branch: BranchState; readonly entries: Array<StatusEntry> } => {
  const records = output.split("\0")
  let branch: BranchState = { head: null, upstream: null, ahead: 0, behind: 0, initial: false }
  const entries: Array<StatusEntry> = []
  for (let index = 0; index < records.length; index++) {
    const record = records[index] ?? ""
    if (record === "") continue
    if (record.startsWith("## ")) {
      branch = parseBranch(record)
      continue
    }
    const code = record.slice(0, 2)
    const x = code[0] ?? " "
    const y = code[1] ?? " "
    const path = record.slice(3)
    const renamed = x === "R" || x === "C" || y === "R" || y === "C"
    const originalPath = renamed ? records[++index] : undefined
    entries.push({
      path,
      ...(originalPath === undefined ? {} : { originalPath }),
      code,
      index: states[x] ?? "unmodified",
      worktree: states[y] ?? "unmodified",
      staged: x !== " " && x !== "?" && x !== "!",
      conflicted: conflicts.has(code)
    })
  }
  return { branch, entries }
}

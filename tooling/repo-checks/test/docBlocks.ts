import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { repoRoot } from "./workspace.js"

/** One fenced code block of a Markdown file. */
export interface DocBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string
  /** The line of the opening fence (1-based). */
  readonly line: number
  /** The fence's language (`ts`, `sh`, …). */
  readonly language: string
  /** The words after the language: `fragment` marks a block that is deliberately incomplete. */
  readonly flags: ReadonlyArray<string>
  readonly code: string
}

/** The Markdown files whose code blocks are checked: docs/*.md, README.md and every package's README.md. */
export const documentedFiles = (): ReadonlyArray<string> => [
  ...readdirSync(join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join(repoRoot, "docs", name)),
  join(repoRoot, "README.md"),
  ...readdirSync(join(repoRoot, "packages")).map((name) => join(repoRoot, "packages", name, "README.md"))
]

/** Every fenced block of a Markdown text (``` fences; an unclosed fence runs to the end). */
export const blocksOf = (file: string, markdown: string): Array<DocBlock> => {
  const blocks: Array<DocBlock> = []
  const lines = markdown.split("\n")
  let open: { line: number; language: string; flags: Array<string>; code: Array<string> } | undefined
  for (const [index, text] of lines.entries()) {
    if (open === undefined) {
      const fence = /^```(\S*)\s*(.*)$/.exec(text)
      if (fence !== null) {
        const [language = "", rest = ""] = [fence[1], fence[2]]
        open = { line: index + 1, language, flags: rest.split(/\s+/).filter(Boolean), code: [] }
      }
    } else if (text.startsWith("```")) {
      blocks.push({ file, line: open.line, language: open.language, flags: open.flags, code: open.code.join("\n") })
      open = undefined
    } else {
      open.code.push(text)
    }
  }
  return blocks
}

/** Every code block of the documented files, with paths relative to the repository root. */
export const documentedBlocks = (): ReadonlyArray<DocBlock> =>
  documentedFiles().flatMap((path) => {
    let markdown: string
    try {
      markdown = readFileSync(path, "utf8")
    } catch {
      return []
    }
    return blocksOf(relative(repoRoot, path), markdown)
  })

/** A file name for a block: `docs/migration.md` line 210 → `docs-migration-md-210`. */
export const blockName = (block: DocBlock): string =>
  `${block.file.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}-${block.line}`

/**
 * The commands a shell block runs, one per simple command: comments removed, lines split at `&&`, `||`,
 * `;` and `|`, `$ ` prompts dropped. Each is its words (quotes are not interpreted: the checks only read
 * the leading words).
 */
export const shellCommands = (code: string): Array<ReadonlyArray<string>> =>
  code
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, ""))
    .flatMap((line) => line.split(/&&|\|\||;|\|/))
    .map((command) =>
      command
        .trim()
        .replace(/^\$\s+/, "")
        .split(/\s+/)
        .filter(Boolean)
    )
    .filter((words) => words.length > 0)

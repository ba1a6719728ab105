import type { JsonValue } from "@coderclaw/protocol"
import { type AgentDefinition, defineAgent } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import type { AgentOptions } from "../AgentOptions.js"
import { agentInputDecoder, relativeInput, scopeOf, skillResultDecoder, useSkill } from "../internal/agentSupport.js"
import { languageOf } from "../internal/languages.js"
import { RelativePath } from "../internal/paths.js"
import { FsReadBatchResult, RepoListResult } from "../internal/skillResults.js"
import { fsReadId } from "../skills/fsRead.js"
import { repoListId } from "../skills/repoList.js"

/** The id of the repo-scanner agent. */
export const repoScannerId = "repo-scanner"

/** `{ path?, maxFiles?, maxTodos?, batchSize? }`: what to scan (default the whole repository) and caps. */
const RepoScannerInput = Schema.Struct({
  path: Schema.optionalKey(RelativePath),
  maxFiles: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 100_000 })))),
  maxTodos: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 10_000 })))),
  batchSize: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 100 }))))
})

/** A TODO or FIXME comment found by the scan. */
export type TodoItem = { readonly path: string; readonly line: number; readonly kind: string; readonly text: string }

/** Where a scan is: kept as the task's checkpoint after every batch, so a restarted attempt continues. */
type ScanState = {
  readonly version: 1
  readonly fileCount: number
  readonly next: number
  readonly languages: { readonly [language: string]: { readonly files: number; readonly lines: number } }
  readonly todos: { readonly count: number; readonly byKind: { readonly [kind: string]: number } }
  readonly items: ReadonlyArray<TodoItem>
  readonly skipped: { readonly [reason: string]: number }
}

const isScanState = (value: JsonValue | undefined, fileCount: number): value is ScanState => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const state = value as { readonly [key: string]: JsonValue }
  return state.version === 1 && state.fileCount === fileCount && typeof state.next === "number"
}

const todoPattern = /\b(TODO|FIXME)\b/g

/** The largest file the scanner reads; bigger ones are counted but their lines are not. */
const scanMaxBytes = 512 * 1024

/**
 * `repo-scanner`: a language / size / TODO report of the repository. It lists the files (`repo.list`,
 * honouring `.gitignore`), reads those in a recognised language in batches (`fs.read`), reporting progress
 * after each batch and checkpointing, so a restarted attempt continues where it was. Result:
 * `{ kind: "repo-scan", path, files, truncated, lines, languages: [{ language, files, lines }], todos:
 * { count, byKind, items: [{ path, line, kind, text }], truncated }, skipped }`.
 */
export const repoScanner = (options: AgentOptions = {}): AgentDefinition => {
  const decode = agentInputDecoder(RepoScannerInput, repoScannerId)
  const decodeList = skillResultDecoder(RepoListResult, repoListId)
  const decodeBatch = skillResultDecoder(FsReadBatchResult, fsReadId)
  return defineAgent({
    id: repoScannerId,
    name: "Repository scanner",
    description:
      "Reports the repository's languages (files and lines per language) and its TODO/FIXME comments, with progress per batch of files.",
    capabilities: ["scan", "repository", "report"],
    input: { schema: RepoScannerInput, example: { path: ".", maxTodos: 50 } },
    skills: [repoListId, fsReadId],
    run: (input, ctx) =>
      Effect.gen(function* () {
        const { request } = yield* decode(input)
        const path = yield* relativeInput(request.path, "path")
        const maxTodos = request.maxTodos ?? 200
        const batchSize = request.batchSize ?? 50
        yield* ctx.progress(0, "listing files")
        const listing = yield* decodeList(
          yield* useSkill(
            ctx,
            repoListId,
            { path, ...(request.maxFiles === undefined ? {} : { maxFiles: request.maxFiles }) },
            scopeOf(options, [path])
          )
        )
        const readable: Array<string> = []
        const languages: Record<string, { files: number; lines: number }> = {}
        const skipped: Record<string, number> = { tooLarge: 0, binary: 0, unreadable: 0, other: 0 }
        for (const file of listing.files) {
          const language = languageOf(file.path) ?? "Other"
          const entry = languages[language] ?? { files: 0, lines: 0 }
          languages[language] = entry
          entry.files++
          if (language === "Other") skipped.other = (skipped.other ?? 0) + 1
          else if (file.bytes > scanMaxBytes) skipped.tooLarge = (skipped.tooLarge ?? 0) + 1
          else readable.push(file.path)
        }
        const resumed = isScanState(ctx.checkpoint, readable.length) ? ctx.checkpoint : undefined
        const byKind: Record<string, number> = { TODO: 0, FIXME: 0, ...resumed?.todos.byKind }
        const items: Array<TodoItem> = [...(resumed?.items ?? [])]
        let todoCount = resumed?.todos.count ?? 0
        if (resumed !== undefined) {
          for (const [language, counted] of Object.entries(resumed.languages)) {
            const entry = languages[language]
            if (entry !== undefined) entry.lines = counted.lines
          }
          Object.assign(skipped, resumed.skipped)
        }
        const start = resumed?.next ?? 0
        for (let next = start; next < readable.length; next += batchSize) {
          const batch = readable.slice(next, next + batchSize)
          const read = yield* decodeBatch(
            yield* useSkill(ctx, fsReadId, { paths: batch, maxBytes: scanMaxBytes }, scopeOf(options, batch))
          )
          for (const file of read.files) {
            if ("error" in file) {
              const reason =
                file.error.reason === "Binary" ? "binary" : file.error.reason === "TooLarge" ? "tooLarge" : "unreadable"
              skipped[reason] = (skipped[reason] ?? 0) + 1
              continue
            }
            const entry = languages[languageOf(file.path) ?? "Other"]
            if (entry !== undefined) entry.lines += file.lines
            const lines = file.content.split("\n")
            for (let index = 0; index < lines.length; index++) {
              for (const match of (lines[index] ?? "").matchAll(todoPattern)) {
                const kind = match[1] ?? "TODO"
                todoCount++
                byKind[kind] = (byKind[kind] ?? 0) + 1
                if (items.length < maxTodos) {
                  items.push({
                    path: file.path,
                    line: index + 1,
                    kind,
                    text: (lines[index] ?? "").trim().slice(0, 200)
                  })
                }
              }
            }
          }
          const done = Math.min(next + batchSize, readable.length)
          const state: ScanState = {
            version: 1,
            fileCount: readable.length,
            next: done,
            languages,
            todos: { count: todoCount, byKind },
            items,
            skipped
          }
          yield* ctx.saveCheckpoint(state)
          yield* ctx.progress(5 + (95 * done) / readable.length, `scanned ${done} of ${readable.length} files`)
        }
        const languageList = Object.entries(languages)
          .map(([language, counted]) => ({ language, files: counted.files, lines: counted.lines }))
          .sort((a, b) => b.lines - a.lines || b.files - a.files || a.language.localeCompare(b.language))
        return {
          kind: "repo-scan",
          path,
          files: listing.files.length,
          truncated: listing.truncated,
          lines: languageList.reduce((total, entry) => total + entry.lines, 0),
          languages: languageList,
          todos: { count: todoCount, byKind, items, truncated: todoCount > items.length },
          skipped
        }
      })
  })
}

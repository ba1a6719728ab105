import { defineSkill, type SkillDefinition } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import { inputDecoder } from "../internal/decodeInput.js"
import { confinePath, RelativePath, refusedPathsOf, resolveRepository } from "../internal/paths.js"
import { runSearch } from "../internal/searchWorker.js"
import { walkRepository } from "../internal/walkRepository.js"
import { RepositoryError } from "../RepositoryError.js"
import type { RepositoryOptions } from "../RepositoryOptions.js"

/** The id of the `text.search` skill. */
export const textSearchId = "text.search"

/** How `text.search` is set up: the repository and its limits. */
export interface TextSearchOptions extends RepositoryOptions {
  /** Most matches one call returns, and the most its `maxResults` may ask for. Default 1,000. */
  readonly maxResults?: number
  /** Longest a search may run, and the most its `timeoutMs` may ask for. Default 30,000 ms. */
  readonly maxTimeoutMs?: number
  /** Files larger than this are not searched. Default 1 MiB. */
  readonly maxFileBytes?: number
  /** Most files one search looks at. Default 20,000. */
  readonly maxFiles?: number
}

const Positive = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))

/**
 * `{ query, regex?, caseSensitive?, path?, maxResults?, timeoutMs? }`: a literal text (default) or a
 * JavaScript regular expression, case-sensitive unless told otherwise, below `path` (default the root).
 */
const TextSearchInput = Schema.Struct({
  query: Schema.String.pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(1_000))),
  regex: Schema.optionalKey(Schema.Boolean),
  caseSensitive: Schema.optionalKey(Schema.Boolean),
  path: Schema.optionalKey(RelativePath),
  maxResults: Schema.optionalKey(Positive),
  timeoutMs: Schema.optionalKey(Positive)
})

/** Why a pattern does not compile, or `undefined` when it does. */
const patternProblem = (source: string, flags: string): string | undefined => {
  try {
    new RegExp(source, flags)
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : "the pattern does not compile"
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * `text.search`: finds a text or a regular expression in the repository's files (honouring `.gitignore`,
 * skipping binary and oversized files) and returns the first match of each matching line:
 * `{ query, regex, matches: [{ path, line, column, preview }], filesSearched, truncated, skipped, skippedCount }`
 * (`skipped`: what the walk left out and why — `.git`, hidden, protected paths, symlinks). The search runs
 * in a worker thread that is terminated after `timeoutMs` (default 5 s), so a pathological pattern fails
 * with `SearchTimedOut` instead of blocking the runtime.
 */
export const textSearch = (options: TextSearchOptions): SkillDefinition => {
  const maxResults = options.maxResults ?? 1_000
  const maxTimeoutMs = options.maxTimeoutMs ?? 30_000
  const maxFileBytes = options.maxFileBytes ?? 1024 * 1024
  const decode = inputDecoder(TextSearchInput, `${textSearchId} input`)
  return defineSkill({
    id: textSearchId,
    name: "Search text",
    description:
      "Searches the repository's files (honouring .gitignore) for a literal text or a regular expression; returns file, line, column and a preview of each matching line, capped, with a time limit.",
    permissions: ["skill:execute"],
    run: (input, call) =>
      Effect.gen(function* () {
        const request = yield* decode(input).pipe(
          Effect.mapError((detail) => new RepositoryError({ reason: "InvalidInput", detail }))
        )
        const regex = request.regex ?? false
        const flags = request.caseSensitive === false ? "i" : ""
        const source = regex ? request.query : escapeRegExp(request.query)
        const problem = patternProblem(source, flags)
        if (problem !== undefined) return yield* new RepositoryError({ reason: "InvalidPattern", detail: problem })
        const repository = yield* resolveRepository(options, call.scope)
        const dir = yield* confinePath(repository, request.path ?? ".", {
          scope: call.scope,
          kind: "directory",
          refusedPaths: call.refusedPaths
        })
        const walked = yield* Effect.tryPromise({
          try: (signal) =>
            walkRepository(repository.root, dir.real, {
              maxFiles: options.maxFiles ?? 20_000,
              signal,
              hidden: repository.hidden,
              refused: refusedPathsOf(call.refusedPaths)
            }),
          catch: () => new RepositoryError({ reason: "Unreadable", path: dir.relative, detail: "cannot list" })
        })
        const timeoutMs = Math.min(request.timeoutMs ?? 5_000, maxTimeoutMs)
        const outcome = yield* runSearch(
          {
            files: walked.files
              .filter((file) => file.bytes <= maxFileBytes)
              .map((file) => ({ path: file.path, absolute: `${repository.root}/${file.path}` })),
            source,
            flags,
            maxResults: Math.min(request.maxResults ?? 100, maxResults),
            maxFileBytes
          },
          timeoutMs
        ).pipe(
          Effect.mapError(
            (failure) =>
              new RepositoryError(
                failure.kind === "timeout"
                  ? {
                      reason: "SearchTimedOut",
                      detail: `the search ran longer than ${timeoutMs} ms and was stopped; simplify the pattern or narrow the path`
                    }
                  : { reason: "Unreadable", detail: failure.detail }
              )
          )
        )
        return {
          query: request.query,
          regex,
          path: dir.relative,
          matches: outcome.matches,
          filesSearched: outcome.filesSearched,
          truncated: outcome.truncated || walked.truncated,
          skipped: walked.skipped,
          skippedCount: walked.skippedCount
        }
      })
  })
}

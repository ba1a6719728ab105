import { defineSkill, type SkillCall, type SkillDefinition } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import { inputDecoder } from "../internal/decodeInput.js"
import {
  checkScope,
  confinePath,
  normalizeRelative,
  RelativePath,
  type ResolvedRepository,
  resolveRepository
} from "../internal/paths.js"
import { readTextFile } from "../internal/readTextFile.js"
import { RepositoryError } from "../RepositoryError.js"
import type { RepositoryOptions } from "../RepositoryOptions.js"

/** The id of the `fs.read` skill. */
export const fsReadId = "fs.read"

/** How `fs.read` is set up: the repository, and its size limits. */
export interface FsReadOptions extends RepositoryOptions {
  /** Largest file read, in bytes, and the most a call's `maxBytes` may ask for. Default 512 KiB. */
  readonly maxBytes?: number
  /** Most bytes one batch call returns in total; later files of the batch are refused. Default 4 MiB. */
  readonly maxBatchBytes?: number
}

/** Most paths in one batch call. */
export const fsReadMaxBatch = 100

const Limit = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))

/** One file: `{ path, maxBytes? }`, or a batch: `{ paths, maxBytes? }` (at most 100). */
const FsReadInput = Schema.Union([
  Schema.Struct({ path: RelativePath, maxBytes: Schema.optionalKey(Limit) }),
  Schema.Struct({
    paths: Schema.Array(RelativePath).pipe(Schema.check(Schema.isMinLength(1), Schema.isMaxLength(fsReadMaxBatch))),
    maxBytes: Schema.optionalKey(Limit)
  })
])

/** A file `fs.read` read: its normalised path, size, number of lines and content. */
export type FsReadFile = {
  readonly path: string
  readonly bytes: number
  readonly lines: number
  readonly content: string
}

/** A file of a batch that could not be read, and why (a `RepositoryError` reason). */
export type FsReadRefusal = {
  readonly path: string
  readonly error: { readonly reason: RepositoryError["reason"]; readonly message: string }
}

const readOne = (repository: ResolvedRepository, path: string, maxBytes: number, call: SkillCall) =>
  Effect.gen(function* () {
    const file = yield* confinePath(repository, path, {
      scope: call.scope,
      kind: "file",
      refusedPaths: call.refusedPaths
    })
    const read = yield* Effect.promise(() => readTextFile(file.absolute, maxBytes))
    if ("problem" in read) {
      return yield* new RepositoryError({ reason: read.problem, path: file.relative, detail: read.detail })
    }
    return { path: file.relative, bytes: read.bytes, lines: read.lines, content: read.content } satisfies FsReadFile
  })

/**
 * `fs.read`: reads text files of the repository. With `{ path }` it returns `{ path, bytes, lines, content }`
 * or fails with a `RepositoryError`; with `{ paths }` (a batch, e.g. a scanner's next files) it returns
 * `{ files }`, where each entry is a file or `{ path, error: { reason, message } }`, so one unreadable file
 * does not fail the batch. A hostile path (absolute, `..`, a symlink leading out of the root, outside the
 * call's `scope.paths`) fails the whole call.
 */
export const fsRead = (options: FsReadOptions): SkillDefinition => {
  const maxBytes = options.maxBytes ?? 512 * 1024
  const maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024
  const decode = inputDecoder(FsReadInput, `${fsReadId} input`)
  return defineSkill({
    id: fsReadId,
    name: "Read files",
    description:
      "Reads text files of the repository: `{ path }` or a batch `{ paths }` (≤ 100), each confined to the repository root (no absolute paths, no `..`, no symlinks leading out). Binary files and files above the size cap are refused.",
    permissions: ["skill:execute"],
    run: (input, call) =>
      Effect.gen(function* () {
        const request = yield* decode(input).pipe(
          Effect.mapError((detail) => new RepositoryError({ reason: "InvalidInput", detail }))
        )
        const limit = Math.min(request.maxBytes ?? maxBytes, maxBytes)
        const repository = yield* resolveRepository(options, call.scope)
        if ("path" in request) return yield* readOne(repository, request.path, limit, call)
        // A hostile path, or one outside the authorised scope, fails the whole batch before anything is read.
        for (const path of request.paths) {
          const normalized = normalizeRelative(path)
          if ("refused" in normalized) {
            return yield* new RepositoryError({ reason: "OutsideRepository", path, detail: normalized.refused })
          }
          yield* checkScope(normalized.ok, call.scope)
        }
        let budget = maxBatchBytes
        const files: Array<FsReadFile | FsReadRefusal> = []
        for (const path of request.paths) {
          const read = yield* Effect.result(readOne(repository, path, Math.min(limit, budget), call))
          if (read._tag === "Success") {
            budget -= read.success.bytes
            files.push(read.success)
          } else {
            const error = read.failure
            files.push({ path: error.path ?? path, error: { reason: error.reason, message: error.message } })
          }
        }
        return { files }
      })
  })
}

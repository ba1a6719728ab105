import type { JsonValue, StepInput } from "@coderclaw/protocol"
import { type AgentContext, type AgentDefinition, defineAgent } from "@coderclaw/runtime"
import { Effect, Schema } from "effect"
import type { AgentOptions } from "../AgentOptions.js"
import { agentInputDecoder, relativeInput, scopeOf, skillResultDecoder, useSkill } from "../internal/agentSupport.js"
import { findSecrets, type Severity } from "../internal/findSecrets.js"
import { baseAndExtension } from "../internal/languages.js"
import { RelativePath } from "../internal/paths.js"
import { secretIgnoreFile, secretIgnoreMatcher } from "../internal/secretIgnore.js"
import { FsReadBatchResult, RepoListResult } from "../internal/skillResults.js"
import { fsReadId } from "../skills/fsRead.js"
import { repoListId } from "../skills/repoList.js"

/** The id of the reviewer agent. */
export const reviewerId = "reviewer"

/** `{ path?, largeFileBytes?, largeFileLines?, maxFindings? }`: where to look, the thresholds, the cap. */
const ReviewerInput = Schema.Struct({
  path: Schema.optionalKey(RelativePath),
  largeFileBytes: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))),
  largeFileLines: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))),
  maxFindings: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 10_000 }))))
})

/** One finding of a review. */
export type Finding = {
  readonly rule: string
  readonly severity: Severity
  /** The file concerned, or `null` for a finding about the whole change (failing tests). */
  readonly path: string | null
  readonly line: number | null
  readonly message: string
  /** The line concerned, with any secret masked. */
  readonly preview?: string
  /** Where the rule that found a secret explains it. */
  readonly docsUrl?: string
}

const severities: ReadonlyArray<Severity> = ["critical", "high", "medium", "low", "info"]

const sourceExtensions = new Set([
  "ts",
  "tsx",
  "mts",
  "cts",
  "js",
  "jsx",
  "mjs",
  "cjs",
  "py",
  "go",
  "rb",
  "java",
  "kt",
  "php",
  "cs"
])

/** Files that are read for secrets: text formats where credentials end up. */
const scannedExtensions = new Set([
  ...sourceExtensions,
  "json",
  "yml",
  "yaml",
  "toml",
  "ini",
  "cfg",
  "conf",
  "properties",
  "env",
  "sh",
  "bash",
  "zsh",
  "ps1",
  "xml",
  "tf",
  "tfvars",
  "pem",
  "key",
  "md",
  "txt",
  "rs",
  "swift",
  "scala",
  "c",
  "h",
  "cpp",
  "hpp"
])

const testDirectory = /(^|\/)(test|tests|__tests__|spec|specs|e2e)\//
const testFile = /(\.|_)(test|spec)s?\.[^.]+$|^test_.*\.py$|(Test|Tests|Spec)\.(java|kt|cs|php)$/

/** Whether a path is a test file (by its name or the directory it is in). */
const isTest = (path: string) => testDirectory.test(path) || testFile.test(baseAndExtension(path).base)

/**
 * The name a test file is about, lower case: `Runtime.agents.test.ts` → `runtime`, `test_parser.py` →
 * `parser`, `parser_test.go` → `parser`, `ParserTest.java` → `parser`.
 */
const subjectOfTest = (path: string): string => {
  const { base } = baseAndExtension(path)
  const name = base
    .replace(/^test_/, "")
    .replace(/(Tests?|Spec)\.[^.]+$/, "")
    .replace(/_test\.[^.]+$/, "")
  return (name.split(".")[0] ?? name).toLowerCase()
}

/** Whether a file is source code that should have tests: not a test, not a declaration, config or entry file. */
const needsTests = (path: string) => {
  const { base, extension } = baseAndExtension(path)
  if (!sourceExtensions.has(extension) || isTest(path)) return false
  if (base.endsWith(".d.ts") || /\.config\.[^.]+$/.test(base) || /^(index|main|__init__|setup|conftest)\./.test(base)) {
    return false
  }
  return true
}

/** Whether a file is read for secrets. */
const isScanned = (path: string) => {
  const { base, extension } = baseAndExtension(path)
  return scannedExtensions.has(extension) || base.startsWith(".env") || base === "id_rsa" || base === "id_ed25519"
}

/**
 * Failed test runs among a workflow step's input and dependencies (results of `test-runner`). A pattern
 * usually passes the same run twice (as a `{ $step }` reference in the input and among the dependencies),
 * so runs are told apart by their content.
 */
const failedTestRuns = (step: StepInput | undefined): ReadonlyArray<{ readonly exitCode: unknown }> => {
  if (step === undefined) return []
  const found = new Map<string, { readonly exitCode: unknown }>()
  const visit = (value: JsonValue, depth: number) => {
    if (depth > 3 || typeof value !== "object" || value === null) return
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1)
      return
    }
    const record = value as { readonly [key: string]: JsonValue }
    if (record.kind === "test-run" && record.passed === false)
      found.set(JSON.stringify(record), { exitCode: record.exitCode })
    else for (const item of Object.values(record)) visit(item, depth + 1)
  }
  visit(step.input, 0)
  for (const dependency of Object.values(step.dependencies)) visit(dependency, 0)
  return [...found.values()]
}

/**
 * The repository's `.secretlintignore`: which files the secret scan skips. Absent, nothing is skipped; present
 * but unreadable (a policy protects it), nothing is skipped and an `info` finding says why.
 */
const secretIgnore = (ctx: AgentContext, options: AgentOptions) =>
  Effect.gen(function* () {
    const read = yield* decodeBatch(
      yield* useSkill(ctx, fsReadId, { paths: [secretIgnoreFile] }, scopeOf(options, [secretIgnoreFile]))
    )
    const file = read.files[0]
    if (file === undefined || ("error" in file && file.error.reason === "NotFound")) return { ignores: none }
    if ("error" in file) {
      const finding: Finding = {
        rule: "secret-ignore-unreadable",
        severity: "info",
        path: secretIgnoreFile,
        line: null,
        message: `${secretIgnoreFile} could not be read (${file.error.reason}): every file was scanned for secrets`
      }
      return { ignores: none, finding }
    }
    return { ignores: secretIgnoreMatcher(file.content) }
  })

const none = () => false

const decodeBatch = skillResultDecoder(FsReadBatchResult, fsReadId)

/**
 * `reviewer`: static findings on the repository, each with a severity:
 *
 * - `secretlint/<rule>` (critical; `basicauth` and `database-connection-string` high): secrets found by
 *   secretlint's recommended rule set, masked in the finding; files matched by the repository's
 *   `.secretlintignore` are not scanned, and `secretlint-disable` comments are honoured;
 * - `large-file` (medium above `largeFileBytes`, default 100 kB; low above `largeFileLines`, default 1,000);
 * - `untested-source` (low): a source file no test file is named after (`foo.ts` ↔ `foo.test.ts`,
 *   `test_foo.py`, `foo_test.go`, `FooTest.java`); only test files below `path` are seen, since the review
 *   reads nothing outside the paths it was authorised for;
 * - `tests-failing` (high), in a workflow: a test run among the step's inputs failed.
 *
 * Result: `{ kind: "review", findings, counts: { critical, high, medium, low, info }, filesReviewed,
 * secretsIgnored, truncated }`, findings sorted by severity (`secretsIgnored`: the files the ignore file
 * kept out of the secret scan).
 */
export const reviewer = (options: AgentOptions = {}): AgentDefinition => {
  const decode = agentInputDecoder(ReviewerInput, reviewerId)
  const decodeList = skillResultDecoder(RepoListResult, repoListId)
  return defineAgent({
    id: reviewerId,
    name: "Reviewer",
    description:
      "Static review of the repository: committed secrets, large files, source files without tests, failing tests from earlier steps; each finding with a severity.",
    capabilities: ["review", "security", "repository"],
    input: { schema: ReviewerInput, example: { path: ".", maxFindings: 100 } },
    skills: [repoListId, fsReadId],
    run: (input, ctx) =>
      Effect.gen(function* () {
        const { request, step } = yield* decode(input)
        const path = yield* relativeInput(request.path, "path")
        const largeFileBytes = request.largeFileBytes ?? 100_000
        const largeFileLines = request.largeFileLines ?? 1_000
        const maxFindings = request.maxFindings ?? 500
        const findings: Array<Finding> = []

        for (const run of failedTestRuns(step)) {
          findings.push({
            rule: "tests-failing",
            severity: "high",
            path: null,
            line: null,
            message: `the test run of an earlier step failed (exit code ${String(run.exitCode)})`
          })
        }

        yield* ctx.progress(0, "listing files")
        const listing = yield* decodeList(yield* useSkill(ctx, repoListId, { path }, scopeOf(options, [path])))
        const flaggedLarge = new Set<string>()
        for (const file of listing.files) {
          if (file.bytes > largeFileBytes) {
            flaggedLarge.add(file.path)
            findings.push({
              rule: "large-file",
              severity: "medium",
              path: file.path,
              line: null,
              message: `${file.bytes} bytes, above ${largeFileBytes}`
            })
          }
        }

        const subjects = new Set(
          listing.files.filter((file) => isTest(file.path)).map((file) => subjectOfTest(file.path))
        )
        for (const file of listing.files) {
          if (!needsTests(file.path)) continue
          const { base } = baseAndExtension(file.path)
          const subject = (base.split(".")[0] ?? base).toLowerCase()
          if (!subjects.has(subject)) {
            findings.push({
              rule: "untested-source",
              severity: "low",
              path: file.path,
              line: null,
              message: "no test file is named after this source file"
            })
          }
        }

        const ignoredForSecrets = yield* secretIgnore(ctx, options)
        if (ignoredForSecrets.finding !== undefined) findings.push(ignoredForSecrets.finding)
        let secretsIgnored = 0
        const toRead = listing.files
          .filter((file) => isScanned(file.path) && file.bytes <= 512 * 1024)
          .map((file) => file.path)
        const batchSize = 50
        for (let next = 0; next < toRead.length; next += batchSize) {
          const batch = toRead.slice(next, next + batchSize)
          const read = yield* decodeBatch(
            yield* useSkill(ctx, fsReadId, { paths: batch, maxBytes: 512 * 1024 }, scopeOf(options, batch))
          )
          for (const file of read.files) {
            if ("error" in file) continue
            if (file.lines > largeFileLines && !flaggedLarge.has(file.path)) {
              findings.push({
                rule: "large-file",
                severity: "low",
                path: file.path,
                line: null,
                message: `${file.lines} lines, above ${largeFileLines}`
              })
            }
            if (ignoredForSecrets.ignores(file.path)) {
              secretsIgnored++
              continue
            }
            for (const { line, ...hit } of yield* findSecrets(file.path, file.content)) {
              findings.push({ ...hit, path: file.path, line })
            }
          }
          const done = Math.min(next + batchSize, toRead.length)
          yield* ctx.progress(5 + (95 * done) / toRead.length, `reviewed ${done} of ${toRead.length} files`)
        }

        findings.sort(
          (a, b) =>
            severities.indexOf(a.severity) - severities.indexOf(b.severity) ||
            (a.path ?? "").localeCompare(b.path ?? "") ||
            (a.line ?? 0) - (b.line ?? 0)
        )
        const counts = Object.fromEntries(
          severities.map((severity) => [severity, findings.filter((finding) => finding.severity === severity).length])
        )
        return {
          kind: "review",
          findings: findings.slice(0, maxFindings),
          counts,
          filesReviewed: listing.files.length,
          secretsIgnored,
          truncated: findings.length > maxFindings || listing.truncated
        }
      })
  })
}

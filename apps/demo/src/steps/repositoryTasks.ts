import type { JsonValue } from "@coderclaw/protocol"
import { Effect } from "effect"
import type { DemoContext } from "../DemoContext.js"
import type { DemoError } from "../DemoError.js"
import { ensure } from "../mesh/clientCall.js"
import type { Connection } from "../mesh/connect.js"
import { submitAndFollow } from "../mesh/submitAndFollow.js"

const step = "scan and review the repository"

type Json = { readonly [key: string]: JsonValue }
const asObject = (value: JsonValue | undefined): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {}
const asArray = (value: JsonValue | undefined): ReadonlyArray<Json> => (Array.isArray(value) ? value.map(asObject) : [])

/**
 * Step 3: alice, on her trusted laptop, runs the built-in `repo-scanner` and `reviewer` on the repository
 * at the same time, each a real task reading real files through authorised skills, with live progress.
 */
export const repositoryTasks = (context: DemoContext, alice: Connection): Effect.Effect<void, DemoError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { narrator, scanPath } = context
      yield* narrator.section(`Repository tasks: alice scans and reviews ${scanPath}/ as two concurrent tasks`)
      const board = yield* narrator.board
      const [scan, review] = yield* Effect.all(
        [
          submitAndFollow(
            step,
            context,
            alice.client,
            {
              agentId: "repo-scanner",
              description: `Languages, lines and TODOs of ${scanPath}/`,
              input: { path: scanPath }
            },
            { label: "repo-scanner", bar: board.bar("repo-scanner") }
          ),
          submitAndFollow(
            step,
            context,
            alice.client,
            { agentId: "reviewer", description: `Static review of ${scanPath}/`, input: { path: scanPath } },
            { label: "reviewer", bar: board.bar("reviewer") }
          )
        ],
        { concurrency: "unbounded" }
      )
      yield* ensure(
        step,
        scan.record.status === "completed",
        () => `repo-scanner ended ${scan.record.status}: ${scan.record.error?.message ?? ""}`
      )
      yield* ensure(
        step,
        review.record.status === "completed",
        () => `reviewer ended ${review.record.status}: ${review.record.error?.message ?? ""}`
      )

      const report = asObject(scan.record.result)
      yield* narrator.line(`scan: ${String(report.files)} files, ${String(report.lines)} lines`)
      for (const language of asArray(report.languages).slice(0, 5)) {
        yield* narrator.line(
          `  ${String(language.language).padEnd(12)} ${String(language.files).padStart(5)} files ${String(language.lines).padStart(8)} lines`
        )
      }
      const todos = asObject(report.todos)
      const byKind = asObject(todos.byKind)
      yield* narrator.line(`  TODO ${String(byKind.TODO ?? 0)}, FIXME ${String(byKind.FIXME ?? 0)}`)
      const findings = asObject(review.record.result)
      const counts = asObject(findings.counts)
      yield* narrator.line(
        `review: ${["critical", "high", "medium", "low"].map((severity) => `${String(counts[severity] ?? 0)} ${severity}`).join(", ")}`
      )
      for (const finding of asArray(findings.findings).slice(0, 3)) {
        const where =
          finding.path === null
            ? ""
            : ` ${String(finding.path)}${finding.line === null ? "" : `:${String(finding.line)}`}`
        yield* narrator.line(`  ${String(finding.severity).padEnd(8)} ${String(finding.rule)}${where}`)
      }
    })
  )

import type { AuditEntry } from "@coderclaw/security"
import { Effect } from "effect"
import type { DemoContext } from "../DemoContext.js"
import { DemoError } from "../DemoError.js"
import type { TaskOutcome } from "../DemoReport.js"
import type { Connection } from "../mesh/connect.js"
import { formatTable } from "../narrate/formatTable.js"

const step = "summary and audit"

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

const auditLine = (entry: AuditEntry) =>
  `#${String(entry.seq).padStart(3)} ${new Date(entry.at).toISOString().slice(11, 23)} ${entry.actor.padEnd(13)} ${entry.action.padEnd(24)} ${entry.decision.padEnd(7)} ${entry.resource ?? ""}${entry.reasons.length === 0 ? "" : ` [${entry.reasons.join(", ")}]`}`

/**
 * Step 7: the summary table of every task, then the audit log: its hash chain verified end to end, and a
 * few of its entries (the refusals and the device pairing) read as the admin.
 */
export const summary = (
  context: DemoContext,
  admin: Connection,
  tasks: ReadonlyArray<TaskOutcome>
): Effect.Effect<{ readonly ok: boolean; readonly entries: number }, DemoError> =>
  Effect.gen(function* () {
    const { narrator, server } = context
    const security = server.security
    yield* narrator.section("Summary")
    const rows = tasks.map((task) => [task.label, task.status, seconds(task.durationMs), task.summary])
    for (const line of formatTable(["TASK", "STATE", "TIME", "RESULT"], rows)) yield* narrator.line(line)

    yield* narrator.section("Audit log")
    const verdict = yield* security.audit
      .verify()
      .pipe(
        Effect.mapError(
          (error) => new DemoError({ step, reason: "CallFailed", detail: `verifying the audit log: ${error.message}` })
        )
      )
    if (!verdict.ok) {
      return yield* new DemoError({
        step,
        reason: "Unexpected",
        detail: `the audit chain is broken: ${JSON.stringify(verdict)}`
      })
    }
    yield* narrator.line(
      `audit chain verified: ok, ${verdict.entries} entries, head ${verdict.head.hash.slice(0, 16)}…`
    )
    // Reading needs audit:read; the admin's permissions are computed from his session's roles.
    const caller = { principalId: admin.principal.id, permissions: security.gate.permissionsOf(admin.principal.roles) }
    const read = (filter: { readonly action?: string; readonly decision?: "deny"; readonly limit: number }) =>
      security.audit.query(caller, filter).pipe(
        Effect.map((page) => page.items),
        Effect.mapError(
          (error) => new DemoError({ step, reason: "CallFailed", detail: `reading the audit log: ${error.message}` })
        )
      )
    const denials = yield* read({ decision: "deny", limit: 3 })
    const pairing = yield* read({ action: "device.pairing_requested", limit: 2 })
    const approval = yield* read({ action: "device.approve", limit: 1 })
    const shown = [...pairing, ...approval, ...denials].sort((a, b) => a.seq - b.seq)
    yield* narrator.line("some entries (the newest denials, the pairing requests and the approval):")
    for (const entry of shown) yield* narrator.line(`  ${auditLine(entry)}`)
    if (denials.length === 0) {
      return yield* new DemoError({
        step,
        reason: "Unexpected",
        detail: "the audit log holds no denial, though actions were refused"
      })
    }
    return { ok: true, entries: verdict.entries }
  })

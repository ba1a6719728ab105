import { type AuditEntry, auditQueryMaxLimit } from "@coderclaw/security"
import type { Command } from "commander"
import { Effect } from "effect"
import { orFail, withAdmin } from "../admin/openAdmin.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { ExitCode } from "../cli/ExitCode.js"
import { parseIntegerOption } from "../cli/parseArguments.js"
import { formatTime, singleLine, table, truncate } from "../output/table.js"
import { adminNote, adminOptionsOf, withAdminOptions } from "./adminOptions.js"

interface AuditOptions {
  readonly actor?: string
  readonly action?: string
  readonly limit?: number
  readonly database?: string
  readonly config?: string
  readonly security?: string
}

// Reading the file directly: whoever can read it can read the log; the caller stands for that operator.
const fileReader = { principalId: "system:cli", permissions: new Set(["audit:read"]) }

const describeEntry = (entry: AuditEntry): string =>
  [
    `  seq       ${entry.seq}`,
    `  time      ${formatTime(entry.at)}`,
    `  actor     ${entry.actor}${entry.device === undefined ? "" : ` (device ${entry.device})`}`,
    `  action    ${entry.action}${entry.resource === undefined ? "" : ` on ${entry.resource}`}`,
    `  decision  ${entry.decision}${entry.reasons.length === 0 ? "" : ` (${entry.reasons.join(", ")})`}`,
    `  hash      ${entry.hash}`,
    `  prevHash  ${entry.prevHash}`
  ].join("\n")

/** `coderclaw audit verify|list`: the hash-chained audit log, in the database file. */
export const registerAudit = (program: Command, context: CommandContext): void => {
  const audit = program
    .command("audit")
    .summary("verify and read the audit log (on the server's machine)")
    .description(`Verifies and lists the hash-chained audit log.\n\n${adminNote}`)

  withAdminOptions(
    audit
      .command("verify")
      .summary("check the hash chain of the audit log")
      .description(
        `Recomputes every entry's hash and its link to the previous entry, and checks the stored head.\nPrints the number of entries, or the first broken entry; exits 1 when the log is broken.\n\n${adminNote}`
      )
  ).action(async (options: AuditOptions, command: Command) => {
    const out = context.output(command)
    const { verdict, broken } = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        Effect.gen(function* () {
          const verdict = yield* security.audit.verify().pipe(orFail("cannot read the audit log"))
          if (verdict.ok) return { verdict, broken: undefined }
          // The broken entry itself, when it is still there: the newest entry at or before its seq.
          const page = yield* security.audit
            .query(fileReader, { limit: 1, cursor: String(verdict.brokenAt + 1) })
            .pipe(orFail("cannot read the audit log"))
          const entry = page.items[0]
          return { verdict, broken: entry?.seq === verdict.brokenAt ? entry : undefined }
        })
      )
    )
    if (!verdict.ok) context.exitWith(ExitCode.failed)
    out.result({ ...verdict, ...(broken === undefined ? {} : { entry: broken }) }, () =>
      verdict.ok
        ? `Audit log intact: ${verdict.entries} entries, head #${verdict.head.seq} ${verdict.head.hash}.`
        : `Audit log BROKEN at entry #${verdict.brokenAt} (${verdict.reason}): ${verdict.detail}\n` +
          `Entries before #${verdict.brokenAt} chain correctly; from it on the log cannot be trusted.` +
          (broken === undefined ? "" : `\n${describeEntry(broken)}`)
    )
  })

  withAdminOptions(
    audit
      .command("list")
      .summary("list audit entries, newest first")
      .description(`Lists audit entries, newest first.\n\n${adminNote}`)
      .option("--actor <principal>", "only entries of this principal (e.g. local:alice, anonymous)")
      .option("--action <action>", "only this action (e.g. auth.connect, authz.decide, device.approve)")
      .option("--limit <n>", "how many entries (default 50)", parseIntegerOption("--limit", 1, auditQueryMaxLimit), 50)
  ).action(async (options: AuditOptions, command: Command) => {
    const out = context.output(command)
    const page = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        security.audit
          .query(fileReader, {
            limit: options.limit ?? 50,
            ...(options.actor === undefined ? {} : { actor: options.actor }),
            ...(options.action === undefined ? {} : { action: options.action })
          })
          .pipe(orFail("cannot read the audit log"))
      )
    )
    out.result(page.items, () =>
      page.items.length === 0
        ? "No audit entries match."
        : table(
            ["SEQ", "TIME", "ACTOR", "ACTION", "RESOURCE", "DECISION", "REASONS"],
            page.items.map((entry) => [
              String(entry.seq),
              formatTime(entry.at),
              entry.actor,
              entry.action,
              entry.resource ?? "",
              entry.decision,
              truncate(singleLine(entry.reasons.join(", ")), 80)
            ])
          )
    )
  })
}

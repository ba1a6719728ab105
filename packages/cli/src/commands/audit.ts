import { readFileSync } from "node:fs"
import {
  type AuditEntry,
  auditQueryMaxLimit,
  SignedAuditHead,
  signAuditHead,
  verifySignedAuditHead
} from "@coderclaw/security"
import type { Command } from "commander"
import { Effect, Schema } from "effect"
import { orFail, withAdmin } from "../admin/openAdmin.js"
import { usageError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { ExitCode } from "../cli/ExitCode.js"
import { parseIntegerOption } from "../cli/parseArguments.js"
import { formatTime, singleLine, table, truncate } from "../output/table.js"
import { adminNote, adminOptionsOf, withAdminOptions } from "./adminOptions.js"

interface AuditOptions {
  readonly anchor?: string
  readonly actor?: string
  readonly action?: string
  readonly limit?: number
  readonly database?: string
  readonly config?: string
  readonly security?: string
}

// Reading the file directly: whoever can read it can read the log; the caller stands for that operator.
const fileReader = { principalId: "system:cli", permissions: new Set(["audit:read"]) }

/**
 * The signed head given to `--anchor`: its JSON (as `coderclaw audit head --json` prints it) or `@file`
 * holding it. Refused (exit 2) unless well-formed and validly signed by the key it names.
 */
const readAnchor = (value: string, cwd: string): SignedAuditHead => {
  let text = value
  if (value.startsWith("@")) {
    try {
      text = readFileSync(new URL(value.slice(1), `file://${cwd}/`), "utf8")
    } catch (error) {
      throw usageError(`cannot read the anchor file ${value.slice(1)}: ${(error as Error).message}`)
    }
  }
  let head: SignedAuditHead
  try {
    head = Schema.decodeUnknownSync(SignedAuditHead)(JSON.parse(text))
  } catch {
    throw usageError("--anchor is not a signed audit head", "pass what `coderclaw audit head --json` printed")
  }
  if (!verifySignedAuditHead(head)) throw usageError("--anchor's signature does not verify: it was altered")
  return head
}

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
        `Recomputes every entry's hash and its link to the previous entry, and checks the stored head and the heads the server signed into the log.\nWith --anchor, the log must still hold that signed head's entry with its hash, and go on from it.\nPrints the number of entries, or the first broken entry; exits 1 when the log is broken.\n\n${adminNote}`
      )
      .option("--anchor <head>", "a signed head printed earlier by `coderclaw audit head --json` (its JSON, or @file)")
  ).action(async (options: AuditOptions, command: Command) => {
    const out = context.output(command)
    const anchor = options.anchor === undefined ? undefined : readAnchor(options.anchor, context.io.cwd)
    const { verdict, broken } = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        Effect.gen(function* () {
          if (anchor !== undefined && anchor.publicKey !== security.serverIdentity.key.publicKey) {
            return yield* Effect.fail(
              usageError(
                `--anchor was signed by another server (${anchor.keyId}), not this database's (${security.serverIdentity.key.keyId})`
              )
            )
          }
          const verdict = yield* security.audit
            .verify(anchor === undefined ? {} : { anchor: { seq: anchor.seq, hash: anchor.hash } })
            .pipe(orFail("cannot read the audit log"))
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
      .command("head")
      .summary("print the log's head, signed by the server's identity key")
      .description(
        `Signs the audit log's current head (seq, hash, time) with the server's identity key, records that in the log, and prints it.\nKeep it somewhere the server cannot write (a ticket, another system); \`coderclaw audit verify --anchor <head>\` later proves the log still holds it.\n\n${adminNote}`
      )
  ).action(async (options: AuditOptions, command: Command) => {
    const out = context.output(command)
    const signed = await Effect.runPromise(
      withAdmin(adminOptionsOf(options, context.io), ({ security }) =>
        signAuditHead(security.audit, security.serverIdentity, { force: true }).pipe(
          orFail("cannot read the audit log")
        )
      )
    )
    if (signed === undefined) {
      out.result({ empty: true }, () => "The audit log is empty: nothing to sign yet.")
      return
    }
    out.result(
      signed,
      () =>
        `Head #${signed.seq} ${signed.hash}, signed ${formatTime(signed.at)} by ${signed.keyId}:\n${JSON.stringify(signed)}`
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

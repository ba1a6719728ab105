import { existsSync } from "node:fs"
import { isAbsolute, resolve } from "node:path"
import { SqliteJournal, type SqliteJournalCheck } from "@coderclaw/store-sqlite"
import type { Command } from "commander"
import { Effect } from "effect"
import { failedError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { ExitCode } from "../cli/ExitCode.js"
import { loadRuntimeConfig } from "../config/loadRuntimeConfig.js"
import { formatTime, singleLine, table } from "../output/table.js"

interface DoctorOptions {
  readonly database?: string
  readonly config?: string
}

/** The problems a check found, as sentences; none when the journal is sound. */
const problemsOf = (check: SqliteJournalCheck): ReadonlyArray<string> => [
  ...check.structure.map((problem) => `file structure: ${problem}`),
  ...(check.damaged.length === 0 ? [] : [`${check.damaged.length} damaged task(s), quarantined by the server`]),
  ...(check.positions.acknowledged !== undefined && check.positions.acknowledged > check.positions.stored
    ? [
        `acknowledged events are missing: position ${check.positions.acknowledged} was acknowledged, ` +
          `the database ends at ${check.positions.stored} (a lost or truncated -wal file)`
      ]
    : [])
]

const holderLine = (check: SqliteJournalCheck): string => {
  const holder = check.holder
  if (holder === undefined) return "no server holds the journal"
  const state = holder.running === undefined ? "on another host" : holder.running ? "running" : "no longer running"
  return `process ${holder.pid} on ${holder.host} since ${formatTime(holder.startedAt)} (${state})`
}

/**
 * `coderclaw doctor`: checks the journal in the database file without a server and without taking the
 * journal's lock, so it runs beside `coderclaw serve`: the file's structure, every row's checksum and
 * every task's events (listing the damaged tasks), the acknowledged position against the stored one, and
 * which process owns the journal. Exits 1 when anything is wrong.
 */
export const registerDoctor = (program: Command, context: CommandContext): void => {
  program
    .command("doctor")
    .summary("check the journal's integrity and list damaged tasks (on the server's machine)")
    .description(
      "Checks the journal in the server's database file: its structure, every stored row against its checksum,\n" +
        "every task's events against its record, the last acknowledged position against what is stored, and\n" +
        "which process holds the journal. Lists the damaged tasks (those the server quarantines: not served,\n" +
        "not resumed). Reads the file only, takes no lock: the server may be running. Exits 1 on any finding."
    )
    .option(
      "--database <file>",
      "the database file (default: `database` of runtime.yaml, else .coderclaw/coderclaw.db)"
    )
    .option("--config <file>", "runtime.yaml, read for its database (default .coderclaw/runtime.yaml when present)")
    .action(async (options: DoctorOptions, command: Command) => {
      const out = context.output(command)
      const cwd = context.io.cwd
      const check = await Effect.runPromise(
        Effect.gen(function* () {
          const database =
            options.database === undefined
              ? (yield* loadRuntimeConfig(options.config, cwd)).resolved.database
              : isAbsolute(options.database)
                ? options.database
                : resolve(cwd, options.database)
          if (!existsSync(database)) {
            return yield* failedError(`no database at ${database}`, {
              hint: "run the command where `coderclaw serve` runs, or name the file with --database"
            })
          }
          return yield* SqliteJournal.check(database).pipe(
            Effect.mapError((error) => failedError(`cannot check ${database}: ${error.detail}`))
          )
        })
      )
      const problems = problemsOf(check)
      if (problems.length > 0) context.exitWith(ExitCode.failed)
      out.result({ ok: problems.length === 0, problems, ...check }, () =>
        [
          `database   ${check.filename}`,
          `holder     ${holderLine(check)}`,
          `positions  ${check.positions.stored} stored, ${check.positions.acknowledged ?? "unknown"} acknowledged`,
          `verdict    ${problems.length === 0 ? "ok: no damage found" : `DAMAGED: ${problems.join("; ")}`}`,
          ...(check.damaged.length === 0
            ? []
            : [
                table(
                  ["TASK", "FINDING"],
                  check.damaged.map((task) => [task.taskId, singleLine(task.detail)])
                )
              ])
        ].join("\n")
      )
    })
}

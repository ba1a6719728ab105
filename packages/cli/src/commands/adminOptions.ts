import type { Command } from "commander"
import type { AdminOptions } from "../admin/openAdmin.js"

/** The note every admin command's help carries: they act on the database file, not over the network. */
export const adminNote =
  "Acts directly on the server's database file, for an operator on the server's machine: no server connection\n" +
  "is needed, and access to the file is the access control. Run it where `coderclaw serve` runs (or pass\n" +
  "--database / --config); the server may be running."

/** Adds `--database`, `--config` and `--security` to an admin command. */
export const withAdminOptions = (command: Command): Command =>
  command
    .option(
      "--database <file>",
      "the database file (default: `database` of runtime.yaml, else coderclaw.db in the state directory)"
    )
    .option(
      "--data-dir <dir>",
      "the server's state directory (default: dataDir of runtime.yaml, else ~/.local/state/coderclaw/<repository>)"
    )
    .option("--config <file>", "runtime.yaml, read for its database (default .coderclaw/runtime.yaml when present)")
    .option(
      "--security <file>",
      "security.yaml, for custom roles and password rules (default .coderclaw/security.yaml)"
    )

/** The admin options of a parsed command. */
export const adminOptionsOf = (
  options: {
    readonly database?: string
    readonly dataDir?: string
    readonly config?: string
    readonly security?: string
  },
  io: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
  create = false
): AdminOptions => ({
  cwd: io.cwd,
  env: io.env,
  create,
  ...(options.database === undefined ? {} : { database: options.database }),
  ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  ...(options.config === undefined ? {} : { config: options.config }),
  ...(options.security === undefined ? {} : { security: options.security })
})

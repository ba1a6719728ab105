import { isRuntimeError } from "@coderclaw/protocol"
import type { Command } from "commander"
import { Effect } from "effect"
import { CliError, failedError, usageError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { loadRuntimeConfig } from "../config/loadRuntimeConfig.js"
import { loadSecurityFile } from "../config/loadSecurityFile.js"
import { sandboxWarning } from "../server/sandboxWarning.js"
import { type CoderclawServer, startServer } from "../server/startServer.js"

interface ServeOptions {
  readonly config?: string
  readonly security?: string
  readonly dataDir?: string
}

/** The `CliError` of a server that could not start, from its typed error's tag. */
const startupError = (error: unknown, where: { readonly database: string; readonly listen: string }): CliError => {
  if (error instanceof CliError) return error
  const tagged = error as {
    readonly _tag?: string
    readonly message?: string
    readonly detail?: string
    readonly reason?: string
  }
  switch (tagged._tag) {
    // A module that throws while importing failed; every other refusal is a mistake in the configuration.
    case "AgentModuleError":
      return tagged.reason === "ImportFailed"
        ? failedError(tagged.message ?? "an agent module failed to load")
        : usageError(tagged.message ?? "an agent module was refused")
    case "SecurityConfigError":
      return usageError(tagged.message ?? "the security configuration was refused")
    case "JournalError":
    case "SqliteJournalRefused":
    case "SqliteSecurityStoreError":
      return failedError(`cannot open the database ${where.database}: ${tagged.detail ?? tagged.message}`)
    case "StateDirectoryError":
      return failedError(tagged.message ?? "the state directory cannot be used")
    case "WsServerError":
      return failedError(`cannot listen on ${where.listen}: ${tagged.reason ?? tagged.message}`)
  }
  if (isRuntimeError(error)) return failedError(error.message)
  return failedError(error instanceof Error ? error.message : String(error))
}

/** Resolves when the command's signal aborts, or on the process's first SIGINT/SIGTERM. */
export const stopRequested = (context: CommandContext): Promise<string> =>
  new Promise((resolve) => {
    const { signal } = context.io
    if (signal !== undefined) {
      if (signal.aborted) resolve("abort")
      else signal.addEventListener("abort", () => resolve("abort"), { once: true })
      return
    }
    const onSignal = (name: string) => {
      // A second signal while shutting down stops at once.
      process.once("SIGINT", () => process.exit(130))
      process.once("SIGTERM", () => process.exit(143))
      resolve(name)
    }
    process.once("SIGINT", () => onSignal("SIGINT"))
    process.once("SIGTERM", () => onSignal("SIGTERM"))
  })

/** `coderclaw serve`: the runtime, its database and security, behind the WebSocket server. */
export const registerServe = (program: Command, context: CommandContext): void => {
  program
    .command("serve")
    .summary("run the coderClaw server")
    .description(
      "Runs the server: the runtime on the SQLite database (tasks, accounts, sessions, devices, audit log in one file),\n" +
        "the built-in agents and skills working on the repository, and the authenticated WebSocket server.\n" +
        "Without configuration files it listens on 127.0.0.1:8787 with local accounts. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM."
    )
    .option("--config <file>", "runtime settings (default .coderclaw/runtime.yaml when present)")
    .option("--security <file>", "security settings (default .coderclaw/security.yaml when present)")
    .option(
      "--data-dir <dir>",
      "where the server keeps its state (default: dataDir of runtime.yaml, else ~/.local/state/coderclaw/<repository>)"
    )
    .action(async (options: ServeOptions, command: Command) => {
      const out = context.output(command)
      const { io } = context
      const runtime = await Effect.runPromise(
        loadRuntimeConfig(options.config, io.cwd, { dataDir: options.dataDir, env: io.env })
      )
      const security = await Effect.runPromise(loadSecurityFile(options.security, io.cwd))
      const where = { database: runtime.resolved.database, listen: `${runtime.resolved.host}:${runtime.resolved.port}` }
      let server: CoderclawServer
      try {
        server = await startServer({ config: runtime.config, cwd: io.cwd, security: security.config, env: io.env })
      } catch (error) {
        throw startupError(error, where)
      }
      const warning = await sandboxWarning(runtime.resolved.unsandboxed)
      const accounts = await Effect.runPromise(Effect.orElseSucceed(server.security.users.listUsers, () => []))
      if (out.json) {
        out.jsonLine({
          url: server.url,
          database: server.config.database,
          repository: server.config.repository,
          runtimeConfig: runtime.source ?? null,
          securityConfig: security.source ?? null,
          agents: server.agentIds,
          warnings: warning === undefined ? [] : [warning]
        })
      } else {
        out.line(`coderclaw serving on ${server.url}`)
        out.line(`  database    ${server.config.database}`)
        out.line(`  repository  ${server.config.repository}`)
        out.line(
          `  settings    ${runtime.source ?? "defaults"}; security ${security.source ?? "defaults (local accounts)"}`
        )
        out.line(`  agents      ${server.agentIds.join(", ")}`)
        if (warning !== undefined) out.line(warning)
        if (accounts.length === 0) {
          out.line("No accounts yet: create one with `coderclaw users add <name> --role admin` (in this directory).")
        }
        out.line("Press Ctrl-C to stop.")
      }
      const why = await stopRequested(context)
      out.note(`coderclaw: ${why === "abort" ? "stopping" : `${why} received, stopping`}…`)
      await server.close()
      out.note("coderclaw: stopped")
    })
}

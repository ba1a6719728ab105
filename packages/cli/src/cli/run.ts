import { Command, CommanderError } from "commander"
import { toCliError } from "../client/describeRuntimeError.js"
import { registerAgents } from "../commands/agents.js"
import { registerApprove } from "../commands/approve.js"
import { registerAudit } from "../commands/audit.js"
import { registerCancel } from "../commands/cancel.js"
import { registerCi } from "../commands/ci.js"
import { registerDevices } from "../commands/devices.js"
import { registerDoctor } from "../commands/doctor.js"
import { registerInput } from "../commands/input.js"
import { registerLogin } from "../commands/login.js"
import { registerServe } from "../commands/serve.js"
import { registerSessions } from "../commands/sessions.js"
import { registerSkills } from "../commands/skills.js"
import { registerStatus } from "../commands/status.js"
import { registerSubmit } from "../commands/submit.js"
import { registerTasks } from "../commands/tasks.js"
import { registerUsers } from "../commands/users.js"
import { registerWatch } from "../commands/watch.js"
import { registerWorker } from "../commands/worker.js"
import { registerWorkers } from "../commands/workers.js"
import { registerWorkflow } from "../commands/workflow.js"
import { CliError } from "./CliError.js"
import type { CliIo } from "./CliIo.js"
import { type CommandContext, makeCommandContext } from "./CommandContext.js"
import { ExitCode } from "./ExitCode.js"
import { cliVersion } from "./version.js"

const fullName = (command: Command): string => {
  const names: Array<string> = []
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name())
  return names.join(" ")
}

/** After a usage error, each command shows its own usage line and where to read more. */
const addUsageHints = (command: Command): void => {
  command.showHelpAfterError(
    `Usage: ${fullName(command)} ${command.usage()}\nRun '${fullName(command)} --help' for details.`
  )
  for (const child of command.commands) addUsageHints(child)
}

/** The `coderclaw` program with every command registered, writing to the streams of `context.io`. */
export const buildProgram = (context: CommandContext): Command => {
  const { io } = context
  const program = new Command("coderclaw")
    .description(
      "coderClaw: serve a runtime for AI agent tasks, then submit, watch, answer, approve and cancel its tasks.\n\n" +
        "Serve in one terminal:     coderclaw users add alice --role admin && coderclaw serve\n" +
        "Work from another:         coderclaw login -u alice && coderclaw submit repo-scanner --wait\n\n" +
        "Exit codes: 0 success; 1 failed (task failed or cancelled, access denied, not found); 2 usage error;\n" +
        "3 cannot reach or authenticate to the server."
    )
    .version(cliVersion, "-V, --version", "print the version")
    .option("--json", "machine-readable output: one JSON document (or JSON lines for streams) on stdout")
    .option(
      "-s, --server <url>",
      "the server (default: $CODERCLAW_SERVER, else the logged-in server, else ws://127.0.0.1:8787)"
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`coderclaw: ${text}`),
      // The descriptions are written as lines of at most 110 characters: off a terminal, room for them
      // as written (a narrower width re-wraps them into ragged lines).
      getOutHelpWidth: () => io.stdout.columns ?? 120,
      getErrHelpWidth: () => io.stderr.columns ?? 120
    })
  registerServe(program, context)
  registerLogin(program, context)
  registerSubmit(program, context)
  registerTasks(program, context)
  registerWatch(program, context)
  registerInput(program, context)
  registerApprove(program, context)
  registerCancel(program, context)
  registerWorkflow(program, context)
  registerCi(program, context)
  registerAgents(program, context)
  registerSkills(program, context)
  registerWorker(program, context)
  registerWorkers(program, context)
  registerStatus(program, context)
  registerUsers(program, context)
  registerDevices(program, context)
  registerSessions(program, context)
  registerDoctor(program, context)
  registerAudit(program, context)
  addUsageHints(program)
  return program
}

/** The error's report: a line (and hint) for people on stderr; with `--json` also a JSON document on stdout. */
const report = (io: CliIo, error: CliError, json: boolean): void => {
  io.stderr.write(`coderclaw: ${error.message}\n${error.hint === undefined ? "" : `hint: ${error.hint}\n`}`)
  if (json) {
    const body = {
      reason: error.reason,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(error.details === undefined ? {} : { details: error.details })
    }
    io.stdout.write(`${JSON.stringify({ error: body, exitCode: error.exitCode }, null, 2)}\n`)
  }
}

/**
 * Runs one `coderclaw` command line in-process and resolves with its exit code (see `ExitCode`); never
 * rejects. `argv` holds the arguments after the program name (`["submit", "echo", "--wait"]`); `io` gives
 * the streams, environment and working directory, so tests and apps can run commands without a child
 * process. `bin.ts` is this with the process's own `io`.
 */
export const run = async (argv: ReadonlyArray<string>, io: CliIo): Promise<number> => {
  let exitCode: number = ExitCode.success
  const context = makeCommandContext(io, (code) => {
    exitCode = Math.max(exitCode, code)
  })
  const program = buildProgram(context)
  const json = argv.includes("--json")
  try {
    await program.parseAsync([...argv], { from: "user" })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; every other complaint of the parser is a usage error.
      return error.exitCode === 0 ? ExitCode.success : ExitCode.usage
    }
    const failure = error instanceof CliError ? error : toCliError(error, io.env.CODERCLAW_SERVER ?? "the server")
    report(io, failure, json)
    if (io.env.CODERCLAW_DEBUG === "1" && error instanceof Error && error.stack !== undefined) {
      io.stderr.write(`${error.stack}\n`)
    }
    return failure.exitCode
  }
}

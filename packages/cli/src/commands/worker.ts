import { loadWorkerModules, startWorker, type WorkerEvent, WorkerModuleError } from "@coderclaw/worker"
import type { Command } from "commander"
import { usageError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { withSession } from "../client/connect.js"
import { clientContextOf } from "./clientOptions.js"
import { stopRequested } from "./serve.js"

const positiveInt = (value: string): number => {
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1)
    throw usageError(`--concurrency must be a positive integer, not ${value}`)
  return parsed
}

const labelsOf = (pairs: ReadonlyArray<string>): Record<string, string> =>
  Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=")
      if (at < 1) throw usageError(`--label takes key=value, not ${pair}`)
      return [pair.slice(0, at), pair.slice(at + 1)]
    })
  )

/** One line of the worker's log for people. */
const describeEvent = (event: WorkerEvent): string => {
  switch (event.type) {
    case "registered": {
      const refused = event.result.refused.map((entry) => `${entry.agentId} (${entry.reason})`)
      return `registered as ${event.result.workerId}: hosting ${event.result.accepted.join(", ") || "nothing"}${
        refused.length === 0 ? "" : `; refused ${refused.join("; ")}`
      }`
    }
    case "dispatched":
      return `task ${event.taskId} attempt ${event.attempt} started (lease ${event.leaseId})`
    case "ended":
      return `lease ${event.leaseId} ${event.end.type}${event.accepted ? "" : " (refused: the lease was lost)"}`
    case "aborted":
      return `lease ${event.leaseId} aborted: ${event.reason}`
    case "error":
      return `error: ${event.message}`
  }
}

/** `coderclaw worker <module…>`: hosts the agents and skills the modules export, for the server. */
export const registerWorker = (program: Command, context: CommandContext): void => {
  program
    .command("worker")
    .summary("host agents of your own on this machine for a server")
    .description(
      "Loads the modules (files exporting defineAgent / defineAsyncAgent / defineSkill values), connects with the\n" +
        "saved session and device key (coderclaw login; the user needs the worker role or agent:host), registers\n" +
        "the agents and skills, and runs the attempts the server hands it until Ctrl-C. See docs/workers.md."
    )
    .argument("<modules...>", "module paths (relative to the current directory) or package names")
    .option("--concurrency <n>", "attempts run at once", "4")
    .option("--label <key=value...>", "labels shown by `coderclaw workers`")
    .option("--name <name>", "the worker's name", "worker")
    .action(
      async (
        modules: ReadonlyArray<string>,
        options: { concurrency: string; label?: ReadonlyArray<string>; name: string },
        command: Command
      ) => {
        const concurrency = positiveInt(options.concurrency)
        const labels = labelsOf(options.label ?? [])
        const loaded = await loadWorkerModules(modules, context.io.cwd).catch((error: unknown) => {
          throw error instanceof WorkerModuleError ? usageError(error.message) : error
        })
        await withSession(clientContextOf(context, command), async ({ client }) => {
          const worker = await startWorker({
            client,
            agents: loaded.agents,
            skills: loaded.skills,
            concurrency,
            labels,
            name: options.name,
            onEvent: (event) => context.io.stderr.write(`${describeEvent(event)}\n`)
          })
          await stopRequested(context)
          worker.stop()
        })
      }
    )
}

import type { WorkerInfo } from "@coderclaw/protocol"
import type { Command } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import { withSession } from "../client/connect.js"
import { table } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"

/** `coderclaw workers`: the workers connected to the server and what each hosts. */
export const registerWorkers = (program: Command, context: CommandContext): void => {
  program
    .command("workers")
    .summary("list the connected workers")
    .description(
      "Lists the workers connected to the server: what each hosts (agent@version), its concurrency, the attempts it\n" +
        "runs now, its labels and the principal and device it connected as."
    )
    .action(async (_options: unknown, command: Command) => {
      const out = context.output(command)
      const workers = await withSession(clientContextOf(context, command), ({ client }) =>
        client.request<ReadonlyArray<WorkerInfo>>("worker.list", {})
      )
      out.result(workers, () =>
        workers.length === 0
          ? "No workers connected."
          : table(
              ["WORKER", "NAME", "AGENTS", "RUNNING", "BY", "LABELS"],
              workers.map((worker) => [
                worker.workerId,
                worker.name,
                worker.agents.map((agent) => `${agent.agentId}@${agent.version}`).join(",") || "-",
                `${worker.running}/${worker.concurrency}`,
                `${worker.principalId}${worker.deviceId === undefined ? "" : ` (${worker.deviceId.slice(0, 12)})`}`,
                Object.entries(worker.labels)
                  .map(([key, value]) => `${key}=${value}`)
                  .join(",") || "-"
              ])
            )
      )
    })
}

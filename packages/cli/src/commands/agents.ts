import type { Command } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import { withSession } from "../client/connect.js"
import { singleLine, table, truncate } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"

/** `coderclaw agents`: the agents tasks may be submitted to. */
export const registerAgents = (program: Command, context: CommandContext): void => {
  program
    .command("agents")
    .summary("list the agents")
    .description("Lists the agents the server runs tasks on, with the skills each may call.")
    .action(async (_options: unknown, command: Command) => {
      const out = context.output(command)
      const agents = await withSession(clientContextOf(context, command), ({ client }) => client.listAgents())
      out.result(agents, () =>
        agents.length === 0
          ? "No agents."
          : table(
              ["AGENT", "SKILLS", "DESCRIPTION"],
              agents.map((agent) => [
                agent.id,
                agent.skills.join(",") || "-",
                truncate(singleLine(agent.description), 90)
              ])
            )
      )
    })
}

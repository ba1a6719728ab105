import type { AgentDescriptor } from "@coderclaw/protocol"
import type { Command } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import { withSession } from "../client/connect.js"
import { findAgent } from "../client/findAgent.js"
import { singleLine, table, truncate } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"

/** One agent for people: what it does, what it may call, the input it accepts and an example. */
const describeAgent = (agent: AgentDescriptor): string =>
  [
    `${agent.id} — ${singleLine(agent.name)}`,
    "",
    agent.description,
    "",
    `skills        ${agent.skills.join(", ") || "none"}`,
    `capabilities  ${agent.capabilities.join(", ") || "none"}`,
    ...(agent.maxConcurrent === undefined ? [] : [`at most       ${agent.maxConcurrent} running at once per node`]),
    "",
    ...(agent.input === undefined
      ? ["input         not described by the agent (any JSON; the agent checks it when it runs)"]
      : [
          "input (JSON Schema; `submit` checks the input against it):",
          JSON.stringify(agent.input.schema, null, 2),
          ...(agent.input.example === undefined
            ? []
            : ["", "example:", `  coderclaw submit ${agent.id} '${JSON.stringify(agent.input.example)}' --wait`])
        ])
  ].join("\n")

/** Where an agent runs: the server, or its workers (with their free slots), or nowhere yet (tasks queued). */
const hostingOf = (agent: AgentDescriptor): string => {
  const hosting = agent.hosting
  if (hosting === undefined || hosting.inProcess) return "server"
  if (hosting.workers.length === 0) return `no worker (${hosting.queued} queued)`
  const free = hosting.workers.reduce((sum, worker) => sum + worker.free, 0)
  return `${hosting.workers.length} worker${hosting.workers.length === 1 ? "" : "s"} (${free} free)`
}

/** `coderclaw agents [id]`: the agents tasks may be submitted to, or one agent in full. */
export const registerAgents = (program: Command, context: CommandContext): void => {
  program
    .command("agents")
    .summary("list the agents, or show one")
    .description(
      "Lists the agents the server runs tasks on, with the skills each may call. With an agent's id, shows it in\n" +
        "full: its description, the JSON Schema of its input and an example."
    )
    .argument("[id]", "an agent's id: show that agent in full")
    .action(async (id: string | undefined, _options: unknown, command: Command) => {
      const out = context.output(command)
      const agents = await withSession(clientContextOf(context, command), ({ client }) => client.listAgents())
      if (id !== undefined) {
        const agent = findAgent(agents, id)
        out.result(agent, () => describeAgent(agent))
        return
      }
      out.result(agents, () => {
        if (agents.length === 0) return "No agents."
        const rows = agents.map((agent) => [
          agent.id,
          hostingOf(agent),
          agent.skills.join(",") || "-",
          singleLine(agent.description)
        ])
        // On a terminal the description is cut to the width left, so each agent stays on one line.
        const used = (column: number) => Math.max(...rows.map((row) => (row[column] ?? "").length), 6) + 2
        const room = Math.max(30, (context.io.stdout.columns ?? 130) - used(0) - used(1) - used(2) - 1)
        return `${table(
          ["AGENT", "RUNS ON", "SKILLS", "DESCRIPTION"],
          rows.map(([id = "", where = "", skills = "", description = ""]) => [
            id,
            where,
            skills,
            truncate(description, room)
          ])
        )}\n\nShow one in full (its input and an example) with: coderclaw agents <id>`
      })
    })
}

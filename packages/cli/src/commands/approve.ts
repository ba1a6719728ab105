import type { Command } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import { withSession } from "../client/connect.js"
import { formatStatus } from "../output/formatTask.js"
import { clientContextOf } from "./clientOptions.js"

interface DecisionOptions {
  readonly reason?: string
  readonly deny?: boolean
}

/** `coderclaw approve <id>` and `coderclaw reject <id>`: the decision a task waiting for approval needs. */
export const registerApprove = (program: Command, context: CommandContext): void => {
  const decide = async (id: string, approved: boolean, options: DecisionOptions, command: Command) => {
    const out = context.output(command)
    const task = await withSession(clientContextOf(context, command), ({ client }) =>
      client.resolveApproval(id, { approved, ...(options.reason === undefined ? {} : { reason: options.reason }) })
    )
    out.result({ ...task, decision: approved ? "approved" : "denied" }, () =>
      approved
        ? `Approved: task ${task.id} runs its step; it is now ${formatStatus(task)}.`
        : `Denied: the step of task ${task.id} fails as forbidden; the task is now ${formatStatus(task)}.`
    )
  }

  program
    .command("approve")
    .summary("approve the dangerous step a task waits for")
    .description(
      "Approves the step a task waits for (status `waiting (approval)`, e.g. before `shell.run`): the step runs.\n" +
        "With --deny (same as `coderclaw reject`), the step fails as forbidden. Needs task:approve; deciding on\n" +
        "another user's task needs admin:all. The decision is audited."
    )
    .argument("<id>", "the task's id")
    .option("--deny", "deny instead of approving")
    .option("--reason <text>", "why, kept with the decision")
    .action((id: string, options: DecisionOptions, command: Command) =>
      decide(id, options.deny !== true, options, command)
    )

  program
    .command("reject")
    .summary("deny the dangerous step a task waits for")
    .description("Denies the step a task waits for (status `waiting (approval)`): the step fails as forbidden.")
    .argument("<id>", "the task's id")
    .option("--reason <text>", "why, kept with the decision")
    .action((id: string, options: DecisionOptions, command: Command) => decide(id, false, options, command))
}

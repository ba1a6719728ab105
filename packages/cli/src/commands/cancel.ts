import type { Command } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import { withSession } from "../client/connect.js"
import { formatStatus } from "../output/formatTask.js"
import { clientContextOf } from "./clientOptions.js"

/** `coderclaw cancel <id>`: stops an active task and its children. */
export const registerCancel = (program: Command, context: CommandContext): void => {
  program
    .command("cancel")
    .summary("cancel a task and its child tasks")
    .description(
      "Cancels an active task: its running work is interrupted and its child tasks are cancelled too. A task that\n" +
        "already ended cannot be cancelled (exit 1)."
    )
    .argument("<id>", "the task's id")
    .option("--reason <text>", "why, kept in the task's history")
    .action(async (id: string, options: { readonly reason?: string }, command: Command) => {
      const out = context.output(command)
      const task = await withSession(clientContextOf(context, command), ({ client }) =>
        client.cancel(id, options.reason)
      )
      out.result(task, () => `Cancelled task ${task.id}; it is now ${formatStatus(task)}.`)
    })
}

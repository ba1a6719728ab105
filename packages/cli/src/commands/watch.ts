import type { Command } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import { parseIntegerOption } from "../cli/parseArguments.js"
import { withSession } from "../client/connect.js"
import { readWhileReconnecting } from "../client/readWhileReconnecting.js"
import { clientContextOf } from "./clientOptions.js"
import { watchTask } from "./watchTask.js"

/** `coderclaw watch <id>`: a task's events from its start (or after `--after`), live until it ends. */
export const registerWatch = (program: Command, context: CommandContext): void => {
  program
    .command("watch")
    .summary("follow a task until it ends")
    .description(
      "Shows a task's history, then its live events until it ends, child tasks (workflow steps) included: live\n" +
        "progress bars on a terminal, plain lines otherwise, one JSON event per line with --json (the last line is\n" +
        '{"task": <final record>}). Exits 0 when the task completed, 1 when it failed or was cancelled. Ctrl-C\n' +
        "stops watching; the task goes on."
    )
    .argument("<id>", "the task's id")
    .option(
      "--after <seq>",
      "skip the events up to this sequence number",
      parseIntegerOption("--after", 0, Number.MAX_SAFE_INTEGER)
    )
    .action(async (id: string, options: { readonly after?: number }, command: Command) => {
      const out = context.output(command)
      await withSession(clientContextOf(context, command), async ({ client }) => {
        const task = await readWhileReconnecting(() => client.get(id))
        await watchTask(context, out, client, task, options.after ?? 0)
      })
    })
}

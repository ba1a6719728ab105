import type { JsonValue } from "@coderclaw/protocol"
import type { Command } from "commander"
import { usageError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { parseJsonArgument } from "../cli/parseArguments.js"
import { withSession } from "../client/connect.js"
import { formatStatus } from "../output/formatTask.js"
import { clientContextOf } from "./clientOptions.js"

/** `coderclaw input <id> <value>`: answers a task waiting for input. */
export const registerInput = (program: Command, context: CommandContext): void => {
  program
    .command("input")
    .summary("answer a task waiting for input")
    .description(
      "Sends the answer a task asked for (status `waiting (input)`); the task resumes with it. The value is JSON\n" +
        "(`'{\"approved\":true}'`, `'\"yes\"'`, `42`), or any text with --text."
    )
    .argument("<id>", "the task's id")
    .argument("<value>", "the answer, as JSON (or as text with --text)")
    .option("--text", "send the value as a string, not JSON")
    .action(async (id: string, value: string, options: { readonly text?: boolean }, command: Command) => {
      const out = context.output(command)
      let input: JsonValue
      try {
        input = options.text === true ? value : parseJsonArgument("value")(value)
      } catch (error) {
        throw usageError((error as Error).message, "quote text as JSON ('\"yes\"') or pass --text")
      }
      const task = await withSession(clientContextOf(context, command), ({ client }) => client.provideInput(id, input))
      out.result(task, () => `Answered task ${task.id}; it is now ${formatStatus(task)}.`)
    })
}

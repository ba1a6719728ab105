import { readFile } from "node:fs/promises"
import { resolve } from "node:path"
import { isRuntimeError, type JsonValue, type RuntimeClient, type SubmitRequest } from "@coderclaw/protocol"
import type { Command, InvalidArgumentError } from "commander"
import { usageError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { parseIntegerOption, parseJsonArgument } from "../cli/parseArguments.js"
import { checkAgentInput } from "../client/checkAgentInput.js"
import { withSession } from "../client/connect.js"
import { findAgent } from "../client/findAgent.js"
import { truncate } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"
import { addDeadlineOptions } from "./deadlineOptions.js"
import { watchTask } from "./watchTask.js"

interface SubmitOptions {
  readonly description?: string
  readonly inputFile?: string
  readonly wait?: boolean
  readonly priority?: number
  readonly maxAttempts?: number
  readonly timeout?: number
  readonly waitingTimeout?: number
  readonly meta?: ReadonlyArray<string>
  readonly idempotencyKey?: string
}

const collectRepeated = (value: string, previous: ReadonlyArray<string> | undefined): Array<string> => [
  ...(previous ?? []),
  value
]

/** `key=value` pairs as task metadata. */
const metadataOf = (pairs: ReadonlyArray<string>): Record<string, string> => {
  const metadata: Record<string, string> = {}
  for (const pair of pairs) {
    const at = pair.indexOf("=")
    if (at <= 0) throw usageError(`--meta ${pair}: write it as key=value`)
    metadata[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return metadata
}

/** The input of `--input-file`: a JSON file, or stdin for `-`. */
export const readInputFile = async (context: CommandContext, file: string): Promise<JsonValue> => {
  let text: string
  if (file === "-") {
    const chunks: Array<Buffer> = []
    for await (const chunk of context.io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
    text = Buffer.concat(chunks).toString("utf8")
  } else {
    try {
      text = await readFile(resolve(context.io.cwd, file), "utf8")
    } catch (error) {
      throw usageError(`--input-file: cannot read ${file}: ${(error as Error).message}`)
    }
  }
  try {
    return parseJsonArgument(`--input-file ${file}`)(text)
  } catch (error) {
    throw usageError((error as InvalidArgumentError).message)
  }
}

/**
 * Checks the request before it is sent: the agent exists (else not found, with the closest id) and the
 * input matches the agent's input schema, when it describes one. An input left out is not checked: the
 * agent applies its defaults. A caller who may not list agents is left to the server's own checks.
 */
const checkRequest = async (client: RuntimeClient, agentId: string, input: JsonValue | undefined): Promise<void> => {
  let agents: Awaited<ReturnType<RuntimeClient["listAgents"]>>
  try {
    agents = await client.listAgents()
  } catch (error) {
    if (isRuntimeError(error) && error._tag === "Forbidden") return
    throw error
  }
  const agent = findAgent(agents, agentId)
  if (input !== undefined) checkAgentInput(agent, input)
}

/** `coderclaw submit <agent> [input]`: submits a task, optionally following it to its end. */
export const registerSubmit = (program: Command, context: CommandContext): void => {
  const command = program
    .command("submit")
    .summary("submit a task to an agent")
    .description(
      "Submits a task to an agent and prints its id. With --wait, follows it to its end: live progress bars on a\n" +
        "terminal (plain lines otherwise, JSON lines with --json), child tasks included; exits 1 when the task\n" +
        "fails or is cancelled. The input is checked against the agent's input schema first (see\n" +
        "`coderclaw agents <agent>`). While it waits for input or approval, answer from another terminal with\n" +
        "`coderclaw input` or `coderclaw approve`. Ctrl-C stops watching; the task goes on.\n\n" +
        "Examples:\n" +
        "  coderclaw submit repo-scanner --wait\n" +
        `  coderclaw submit code-search '{"query":"TODO"}' -d "find the TODOs" --wait`
    )
    .argument("<agent>", "the agent's id (see `coderclaw agents`)")
    .argument("[input]", 'the task\'s input as JSON, e.g. \'{"path":"src"}\' or \'"text"\'', parseJsonArgument("input"))
    .option("-d, --description <text>", "what the task is for (default: the agent and its input)")
    .option("--input-file <file>", "read the input (JSON) from a file, or from stdin with -")
    .option("-w, --wait", "follow the task until it ends (alias --follow)")
    .option("--follow", "same as --wait")
    .option(
      "--priority <n>",
      "-100 to 100; higher runs first among queued tasks",
      parseIntegerOption("--priority", -100, 100)
    )
    .option(
      "--max-attempts <n>",
      "attempts before the task fails (default 1)",
      parseIntegerOption("--max-attempts", 1, 100)
    )
  addDeadlineOptions(command)
    .option("--meta <key=value>", "a metadata label (repeatable)", collectRepeated)
    .option(
      "--idempotency-key <key>",
      "makes a retry safe: the same key (yours, within 24 h) returns the task it created instead of a new one"
    )
    .action(
      async (
        agentId: string,
        input: JsonValue | undefined,
        options: SubmitOptions & { follow?: boolean },
        command: Command
      ) => {
        const out = context.output(command)
        if (input !== undefined && options.inputFile !== undefined) {
          throw usageError("give the input either as an argument or with --input-file, not both")
        }
        const taskInput = options.inputFile === undefined ? input : await readInputFile(context, options.inputFile)
        const description =
          options.description ??
          (taskInput === undefined ? `${agentId} task` : `${agentId}: ${truncate(JSON.stringify(taskInput), 200)}`)
        const request: typeof SubmitRequest.Encoded = {
          agentId,
          description,
          ...(taskInput === undefined ? {} : { input: taskInput }),
          ...(options.priority === undefined ? {} : { priority: options.priority }),
          ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
          ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
          ...(options.waitingTimeout === undefined ? {} : { waitingTimeoutMs: options.waitingTimeout }),
          ...(options.meta === undefined ? {} : { metadata: metadataOf(options.meta) }),
          ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey })
        }
        const wait = options.wait === true || options.follow === true
        await withSession(clientContextOf(context, command), async ({ client }) => {
          await checkRequest(client, agentId, taskInput)
          const task = await client.submit(request)
          if (!wait) {
            out.result(
              task,
              () => `Submitted ${task.agentId} task ${task.id}.\nWatch it with: coderclaw watch ${task.id}`
            )
            return
          }
          if (!out.json) out.line(`Submitted ${task.agentId} task ${task.id}.`)
          await watchTask(context, out, client, task)
        })
      }
    )
}

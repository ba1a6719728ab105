import { existsSync } from "node:fs"
import { resolve } from "node:path"
import type { JsonValue, SubmitRequest, TaskRecord, WorkflowDefinition } from "@coderclaw/protocol"
import type { Command } from "commander"
import { usageError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { parseJsonArgument } from "../cli/parseArguments.js"
import { ciToken, defaultCiTokenEnv } from "../client/ciToken.js"
import { openClient, resolveServerUrl } from "../client/connect.js"
import { toCliError } from "../client/describeRuntimeError.js"
import { truncate } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"
import { addDeadlineOptions } from "./deadlineOptions.js"
import { readInputFile } from "./submit.js"
import { watchTask } from "./watchTask.js"
import { readDefinitionFile } from "./workflow.js"

interface CiSubmitOptions {
  readonly tokenEnv?: string
  readonly audience: string
  readonly description?: string
  readonly inputFile?: string
  readonly timeout?: number
  readonly waitingTimeout?: number
  readonly idempotencyKey?: string
}

/** A workflow file is named by its extension and must exist; anything else is an agent id. */
const isWorkflowFile = (cwd: string, target: string): boolean =>
  /\.(ya?ml|json)$/iu.test(target) && existsSync(resolve(cwd, target))

/** Labels that tie the task to the CI run that submitted it (GitHub Actions' variables, when present). */
const ciMetadata = (env: Readonly<Record<string, string | undefined>>): Record<string, string> => {
  const labels: Record<string, string> = {}
  for (const [label, variable] of [
    ["ci.repository", "GITHUB_REPOSITORY"],
    ["ci.ref", "GITHUB_REF"],
    ["ci.sha", "GITHUB_SHA"],
    ["ci.run", "GITHUB_RUN_ID"],
    ["ci.job", "GITHUB_JOB"]
  ] as const) {
    const value = env[variable]
    if (value !== undefined && value !== "") labels[label] = value.slice(0, 1_024)
  }
  return labels
}

/** `coderclaw ci submit <agent|workflow>`: a CI job submits a task with its OIDC token and follows it to its end. */
export const registerCi = (program: Command, context: CommandContext): void => {
  const ci = program
    .command("ci")
    .summary("run tasks from CI jobs")
    .description("Commands for CI jobs: authenticate with the job's OIDC token instead of a saved login.")
  const submit = ci
    .command("submit")
    .summary("submit a task or workflow from a CI job and follow it to its end")
    .description(
      "Authenticates with the CI job's OIDC token (GitHub Actions: the runner's token service, with\n" +
        `\`permissions: id-token: write\`; otherwise --token-env or $${defaultCiTokenEnv}), submits a task to the agent\n` +
        "(or runs the workflow file), streams its progress and logs to the job log, and exits with its outcome:\n" +
        "0 completed; 1 failed or cancelled (or refused); 2 usage error or no token; 3 server unreachable or\n" +
        "token refused. The server is --server or $CODERCLAW_SERVER (use wss:// across networks).\n\n" +
        "Examples:\n" +
        '  coderclaw ci submit repo-scanner \'{"path":"."}\' --server wss://coderclaw.example.com\n' +
        "  coderclaw ci submit .coderclaw/review.yaml --audience coderclaw-ci"
    )
    .argument("<target>", "an agent id, or a workflow file (.yaml, .yml or .json)")
    .argument("[input]", "the task's input as JSON (agents only)", parseJsonArgument("input"))
    .option("--token-env <name>", "read the OIDC token from this environment variable")
    .option(
      "--audience <aud>",
      "the audience of the GitHub Actions token (the server's configured audience)",
      "coderclaw"
    )
    .option("-d, --description <text>", "what the task is for (default: the agent and the CI run)")
    .option("--input-file <file>", "read the input (JSON) from a file, or from stdin with -")
  addDeadlineOptions(submit)
    .option("--idempotency-key <key>", "makes a retried step safe: the same key returns the task it created")
    .action(async (target: string, input: JsonValue | undefined, options: CiSubmitOptions, command: Command) => {
      const out = context.output(command)
      const { io } = context
      const { definition, taskInput } = await readTarget(context, target, input, options)
      const url = resolveServerUrl(clientContextOf(context, command))
      const token = await ciToken(io, {
        audience: options.audience,
        ...(options.tokenEnv === undefined ? {} : { tokenEnv: options.tokenEnv })
      })
      // No saved login and no pinned server key in a CI job: the token is the credential, so use wss://.
      const { client } = await openClient(url, { type: "token", token }, undefined)
      try {
        const task =
          definition === undefined
            ? await client.submit(agentRequest(target, taskInput, options, io.env))
            : await client.submitWorkflow(definition as typeof WorkflowDefinition.Encoded)
        if (!out.json) out.line(`Submitted ${describe(task, definition)} as task ${task.id}.`)
        await watchTask(context, out, client, task)
      } catch (error) {
        throw toCliError(error, url)
      } finally {
        await client.close().catch(() => undefined)
      }
    })
}

/** The workflow file, or the agent's input, with the usage errors of giving both or the input twice. */
const readTarget = async (
  context: CommandContext,
  target: string,
  input: JsonValue | undefined,
  options: CiSubmitOptions
): Promise<{ definition: WorkflowDefinition | undefined; taskInput: JsonValue | undefined }> => {
  const workflow = isWorkflowFile(context.io.cwd, target)
  if (workflow && (input !== undefined || options.inputFile !== undefined))
    throw usageError("a workflow takes no input: its steps carry their own")
  if (input !== undefined && options.inputFile !== undefined)
    throw usageError("give the input either as an argument or with --input-file, not both")
  return {
    definition: workflow ? await readDefinitionFile(context.io.cwd, target) : undefined,
    taskInput: options.inputFile === undefined ? input : await readInputFile(context, options.inputFile)
  }
}

const describe = (task: TaskRecord, definition: WorkflowDefinition | undefined): string =>
  definition === undefined ? `${task.agentId} task` : `workflow ${definition.name}`

const agentRequest = (
  agentId: string,
  input: JsonValue | undefined,
  options: CiSubmitOptions,
  env: Readonly<Record<string, string | undefined>>
): typeof SubmitRequest.Encoded => {
  const run = env.GITHUB_REPOSITORY === undefined ? "" : ` (${env.GITHUB_REPOSITORY} run ${env.GITHUB_RUN_ID ?? "?"})`
  return {
    agentId,
    description:
      options.description ??
      `${agentId}${input === undefined ? "" : `: ${truncate(JSON.stringify(input), 200)}`}${run}`.slice(0, 10_000),
    ...(input === undefined ? {} : { input }),
    ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
    ...(options.waitingTimeout === undefined ? {} : { waitingTimeoutMs: options.waitingTimeout }),
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    metadata: ciMetadata(env)
  }
}

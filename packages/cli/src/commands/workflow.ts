import { readFile } from "node:fs/promises"
import { resolve } from "node:path"
import { llmRoleAgents, roleAgentIds } from "@coderclaw/agents"
import { type PatternName, patterns } from "@coderclaw/orchestrator"
import { makeDecoder, validateWorkflow, WorkflowDefinition } from "@coderclaw/protocol"
import type { Command } from "commander"
import { Result } from "effect"
import { parse as parseYaml } from "yaml"
import { failedError, usageError } from "../cli/CliError.js"
import type { CommandContext } from "../cli/CommandContext.js"
import { closestName } from "../cli/didYouMean.js"
import { parseIntegerOption } from "../cli/parseArguments.js"
import { withSession } from "../client/connect.js"
import { table } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"
import { watchTask } from "./watchTask.js"

interface RunOptions {
  readonly wait?: boolean
  readonly follow?: boolean
  readonly name?: string
  readonly maxParallel?: number
  readonly failurePolicy?: "fail-fast" | "continue"
  readonly stepTimeout?: number
  readonly maxAttempts?: number
}

const decodeDefinition = makeDecoder(WorkflowDefinition, "workflow definition")

const isPattern = (name: string): name is PatternName => Object.hasOwn(patterns, name)

/** A pattern with its steps by role (the roles are the agent ids when no mapping is given). */
const stepsOf = (name: PatternName) => (patterns[name] as (subject: string) => WorkflowDefinition)("<subject>").steps

/** Whether a pattern has a role only a model can play (a plan, a proposal, a critique). */
const needsLlm = (name: PatternName): boolean =>
  stepsOf(name).some((step) => Object.hasOwn(llmRoleAgents, step.agentId))

const llmHint =
  "configure an LLM for the server (`llm:` in .coderclaw/runtime.yaml, or CODERCLAW_LLM_BASE_URL and " +
  "CODERCLAW_LLM_MODEL) and restart `coderclaw serve`"

const issueList = (issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>) =>
  issues
    .map((issue) => `  - ${issue.path.length === 0 ? "(file)" : issue.path.map(String).join(".")}: ${issue.message}`)
    .join("\n")

/** A workflow file (YAML or JSON), decoded and checked for duplicate steps, unknown dependencies and cycles. */
export const readDefinitionFile = async (cwd: string, file: string): Promise<WorkflowDefinition> => {
  const path = resolve(cwd, file)
  let text: string
  try {
    text = await readFile(path, "utf8")
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw usageError(
      code === "ENOENT" ? `no pattern or file named ${file}` : `cannot read ${path}: ${(error as Error).message}`,
      `${closestName(file, Object.keys(patterns)) === undefined ? "" : `did you mean ${closestName(file, Object.keys(patterns))}? `}patterns: ${Object.keys(patterns).join(", ")}; or a workflow file (YAML or JSON)`
    )
  }
  let parsed: unknown
  try {
    parsed = parseYaml(text, { maxAliasCount: 50 })
  } catch (error) {
    throw usageError(`${path} is not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`)
  }
  const decoded = decodeDefinition(parsed)
  if (Result.isFailure(decoded)) throw usageError(`${path} is not a workflow:\n${issueList(decoded.failure.issues)}`)
  const problems = validateWorkflow(decoded.success)
  if (problems.length > 0) throw usageError(`${path} is not a valid workflow:\n${issueList(problems)}`)
  return decoded.success
}

/** `coderclaw workflow run|patterns`: workflows of steps run as child tasks. */
export const registerWorkflow = (program: Command, context: CommandContext): void => {
  const workflow = program
    .command("workflow")
    .summary("run workflows (DAGs of steps run as child tasks)")
    .description("Runs workflows: a built-in pattern for a subject, or a workflow file of your own.")

  workflow
    .command("run")
    .summary("run a pattern or a workflow file")
    .description(
      "Runs a workflow as one task of the `workflow` agent, each step a child task started once the steps it\n" +
        "depends on completed. Either a built-in pattern with its subject (see `coderclaw workflow patterns`; each\n" +
        "role runs on the built-in agent that plays it), or a workflow file in YAML or JSON:\n\n" +
        "  name: check\n" +
        "  steps:\n" +
        "    - { id: scan, agentId: repo-scanner, description: Scan the repository }\n" +
        "    - { id: review, agentId: reviewer, description: Review it, dependsOn: [scan] }\n\n" +
        "With --wait, follows the workflow and its steps with a progress bar each; exits 1 unless it completed."
    )
    .argument("<pattern|file>", `a pattern (${Object.keys(patterns).join(", ")}) or a workflow file`)
    .argument("[subject]", "what a pattern works on, e.g. the feature or the bug (patterns only)")
    .option("-w, --wait", "follow the workflow until it ends (alias --follow)")
    .option("--follow", "same as --wait")
    .option("--name <name>", "the workflow's name (patterns: default the pattern and subject)")
    .option("--max-parallel <n>", "most steps running at once", parseIntegerOption("--max-parallel", 1, 256))
    .option("--failure-policy <policy>", "fail-fast (default for patterns) or continue")
    .option(
      "--step-timeout <ms>",
      "a deadline for each step (patterns)",
      parseIntegerOption("--step-timeout", 1, 30 * 86_400_000)
    )
    .option("--max-attempts <n>", "attempts of each step (patterns)", parseIntegerOption("--max-attempts", 1, 100))
    .action(async (target: string, subject: string | undefined, options: RunOptions, command: Command) => {
      const out = context.output(command)
      const policy = options.failurePolicy
      if (policy !== undefined && policy !== "fail-fast" && policy !== "continue") {
        throw usageError(`--failure-policy ${policy}: use fail-fast or continue`)
      }
      const fromFile = isPattern(target) ? undefined : await readDefinitionFile(context.io.cwd, target)
      if (fromFile !== undefined && subject !== undefined) {
        throw usageError(`a subject (${subject}) only goes with a pattern, not with a workflow file`)
      }
      if (isPattern(target) && (subject === undefined || subject.trim() === "")) {
        throw usageError(`the ${target} pattern needs a subject: coderclaw workflow run ${target} "<what it is about>"`)
      }
      const wait = options.wait === true || options.follow === true
      await withSession(clientContextOf(context, command), async ({ client }) => {
        let definition: WorkflowDefinition
        if (fromFile !== undefined) {
          definition = {
            ...fromFile,
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(options.maxParallel === undefined ? {} : { maxParallel: options.maxParallel }),
            ...(policy === undefined ? {} : { failurePolicy: policy })
          }
        } else {
          // Roles go to the built-in agents that play them; the generative ones to `llm` when the server has it.
          const agents = await client.listAgents()
          const hasLlm = agents.some((agent) => agent.id === "llm")
          if (!hasLlm && needsLlm(target as PatternName)) {
            const offline = (Object.keys(patterns) as Array<PatternName>).filter((name) => !needsLlm(name))
            throw failedError(`the ${target} pattern needs an LLM, and this server has none configured`, {
              hint: `${llmHint}; patterns that run without one: ${offline.join(", ")}`
            })
          }
          const build = patterns[target as PatternName] as (subject: string, options: object) => WorkflowDefinition
          definition = build(subject as string, {
            agents: roleAgentIds({ llm: hasLlm }),
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(options.maxParallel === undefined ? {} : { maxParallel: options.maxParallel }),
            ...(policy === undefined ? {} : { failurePolicy: policy }),
            ...(options.stepTimeout === undefined ? {} : { stepTimeoutMs: options.stepTimeout }),
            ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts })
          })
        }
        const task = await client.submitWorkflow(definition)
        if (!wait) {
          out.result(
            task,
            () =>
              `Started workflow ${definition.name} as task ${task.id} (${definition.steps.length} steps).\nWatch it with: coderclaw watch ${task.id}`
          )
          return
        }
        if (!out.json)
          out.line(`Started workflow ${definition.name} as task ${task.id} (${definition.steps.length} steps).`)
        await watchTask(context, out, client, task)
      })
    })

  workflow
    .command("patterns")
    .summary("list the built-in patterns")
    .description("Lists the built-in workflow patterns and their steps.")
    .action((_options: unknown, command: Command) => {
      const out = context.output(command)
      const list = (Object.keys(patterns) as Array<PatternName>).map((name) => ({
        name,
        needsLlm: needsLlm(name),
        steps: stepsOf(name).map((step) => ({ id: step.id, role: step.agentId, dependsOn: step.dependsOn ?? [] }))
      }))
      out.result(list, () => {
        const rows = table(
          ["PATTERN", "NEEDS", "STEPS (role)"],
          list.map((pattern) => [
            pattern.name,
            pattern.needsLlm ? "an LLM" : "-",
            pattern.steps.map((step) => `${step.id} (${step.role})`).join(", ")
          ])
        )
        return list.some((pattern) => pattern.needsLlm)
          ? `${rows}\n\nPatterns that need an LLM run only on a server with one: ${llmHint}.`
          : rows
      })
    })
}

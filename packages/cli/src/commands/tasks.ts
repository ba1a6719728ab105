import { type TaskRecord, type TaskStatus, taskStatuses } from "@coderclaw/protocol"
import { type Command, InvalidArgumentError } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import { parseIntegerOption, parseTimeOption } from "../cli/parseArguments.js"
import { withSession } from "../client/connect.js"
import { formatFailure, formatStatus } from "../output/formatTask.js"
import { formatDuration, formatJson } from "../output/formatValue.js"
import { summarizeResult } from "../output/summarizeResult.js"
import { formatTime, singleLine, table, truncate } from "../output/table.js"
import { clientContextOf } from "./clientOptions.js"

interface TasksOptions {
  readonly status?: ReadonlyArray<TaskStatus>
  readonly agent?: string
  readonly parent?: string
  readonly root?: string
  readonly createdAfter?: number
  readonly createdBefore?: number
  readonly limit: number
  readonly all?: boolean
}

const isStatus = (value: string): value is TaskStatus => (taskStatuses as ReadonlyArray<string>).includes(value)

const collectStatuses = (value: string, previous: ReadonlyArray<TaskStatus> | undefined): Array<TaskStatus> => {
  const parts = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
  for (const part of parts) {
    if (!isStatus(part)) throw new InvalidArgumentError(`unknown status ${part}; one of ${taskStatuses.join(", ")}`)
  }
  return [...(previous ?? []), ...(parts as Array<TaskStatus>)]
}

/** A task's record for people, one field per line. */
export const describeRecord = (task: TaskRecord): string =>
  [
    `task        ${task.id}`,
    `agent       ${task.agentId}`,
    `description ${truncate(singleLine(task.description), 200)}`,
    `status      ${formatStatus(task)}${task.status === "completed" || task.status === "failed" || task.status === "cancelled" ? "" : ` ${Math.round(task.progress.percent)}%${task.progress.message === undefined ? "" : ` ${singleLine(task.progress.message)}`}`}`,
    `owner       ${task.owner}`,
    ...(task.parentId === undefined ? [] : [`parent      ${task.parentId}`]),
    `attempt     ${task.attempt} of ${task.maxAttempts}`,
    `created     ${formatTime(task.createdAt)}`,
    ...(task.completedAt === undefined
      ? []
      : [`ended       ${formatTime(task.completedAt)} (after ${formatDuration(task.completedAt - task.createdAt)})`]),
    ...(task.deadline === undefined ? [] : [`deadline    ${formatTime(task.deadline)}`]),
    ...(Object.keys(task.metadata).length === 0 ? [] : [`metadata    ${singleLine(JSON.stringify(task.metadata))}`]),
    `input       ${formatJson(task.input, 1_000)}`,
    ...(task.error === undefined ? [] : [`error       ${formatFailure(task.error)}`]),
    ...(task.result === undefined ? [] : [`result      ${summarizeResult(task.result)}`])
  ].join("\n")

/** `coderclaw tasks` and `coderclaw show <id>`: the tasks the signed-in user may see. */
export const registerTasks = (program: Command, context: CommandContext): void => {
  program
    .command("tasks")
    .summary("list tasks, newest first")
    .description(
      "Lists the tasks you may see (yours, from any of your sessions, or everyone's with task:read:any), newest first."
    )
    .option(
      "--status <status>",
      `only these statuses (repeat or separate with commas: ${taskStatuses.join(", ")})`,
      collectStatuses
    )
    .option("--agent <id>", "only tasks of this agent")
    .option("--parent <id>", "only the child tasks of this task (e.g. a workflow's steps)")
    .option("--root <id>", "only the tasks of this task's tree (a workflow, its steps and theirs)")
    .option(
      "--created-after <time>",
      "only tasks created after this: a duration ago (30m, 2h, 7d) or a date (2026-12-01, 2026-12-01T09:30)",
      parseTimeOption("--created-after")
    )
    .option(
      "--created-before <time>",
      "only tasks created before this (same forms)",
      parseTimeOption("--created-before")
    )
    .option("-n, --limit <n>", "how many tasks (default 20)", parseIntegerOption("--limit", 1, 500), 20)
    .option("--all", "every matching task, page after page")
    .action(async (options: TasksOptions, command: Command) => {
      const out = context.output(command)
      const filter = {
        ...(options.status === undefined ? {} : { status: [...new Set(options.status)] }),
        ...(options.agent === undefined ? {} : { agentId: options.agent }),
        ...(options.parent === undefined ? {} : { parentId: options.parent }),
        ...(options.root === undefined ? {} : { rootId: options.root }),
        ...(options.createdAfter === undefined ? {} : { createdAfter: options.createdAfter }),
        ...(options.createdBefore === undefined ? {} : { createdBefore: options.createdBefore })
      }
      const { items, nextCursor } = await withSession(clientContextOf(context, command), async ({ client }) => {
        const items: Array<TaskRecord> = []
        let cursor: string | undefined
        do {
          const page = await client.list(filter, { limit: options.limit, ...(cursor === undefined ? {} : { cursor }) })
          items.push(...page.items)
          cursor = page.nextCursor
        } while (options.all === true && cursor !== undefined)
        return { items, nextCursor: cursor }
      })
      out.result({ items, ...(nextCursor === undefined ? {} : { nextCursor }) }, () =>
        items.length === 0
          ? "No tasks."
          : table(
              ["ID", "STATUS", "AGENT", "PROGRESS", "CREATED", "DESCRIPTION"],
              items.map((task) => [
                task.id,
                formatStatus(task),
                task.agentId,
                `${Math.round(task.progress.percent)}%`,
                formatTime(task.createdAt),
                truncate(singleLine(task.description), 60)
              ])
            ) + (nextCursor === undefined ? "" : `\n… more tasks: raise --limit or pass --all`)
      )
    })

  program
    .command("show")
    .summary("show one task")
    .description("Shows a task's record: status, progress, input, result or error.")
    .argument("<id>", "the task's id")
    .action(async (id: string, _options: unknown, command: Command) => {
      const out = context.output(command)
      const task = await withSession(clientContextOf(context, command), ({ client }) => client.get(id))
      out.result(task, () => describeRecord(task))
    })
}

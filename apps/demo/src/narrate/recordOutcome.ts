import type { DemoContext } from "../DemoContext.js"
import type { TaskOutcome } from "../DemoReport.js"
import { describeResult } from "./describeResult.js"
import type { FollowedTask } from "./followTask.js"

/** Adds a followed task to the summary: its final state, its path, its duration as journalled, its result. */
export const recordOutcome = (context: DemoContext, label: string, followed: FollowedTask): TaskOutcome => {
  const { record } = followed
  const outcome: TaskOutcome = {
    label,
    taskId: record.id,
    agentId: record.agentId,
    status: record.status,
    path: followed.path,
    durationMs: (record.completedAt ?? record.updatedAt) - record.createdAt,
    summary: describeResult(record)
  }
  context.recordTask(outcome)
  return outcome
}

import type { RuntimeClient, TaskRecord } from "@coderclaw/protocol"
import type { CommandContext } from "../cli/CommandContext.js"
import { ExitCode } from "../cli/ExitCode.js"
import { followTask } from "../client/followTask.js"
import { formatOutcome } from "../output/formatTask.js"
import type { Output } from "../output/Output.js"
import { makeTaskView } from "../output/TaskView.js"

/**
 * Follows a task to its end with the view that suits the output (bars, lines or JSON lines), then reports
 * its outcome: for people the outcome lines, with `--json` a last line `{"task": <final record>}`. The run
 * exits 1 when the task failed or was cancelled.
 */
export const watchTask = async (
  context: CommandContext,
  out: Output,
  client: RuntimeClient,
  task: Pick<TaskRecord, "id" | "agentId">,
  afterSeq = 0
): Promise<TaskRecord> => {
  const view = makeTaskView(out)
  let final: TaskRecord
  try {
    final = await followTask(client, task, view, { afterSeq })
  } finally {
    view.stop()
  }
  if (final.status !== "completed") context.exitWith(ExitCode.failed)
  if (out.json) out.jsonLine({ task: final })
  else out.line(formatOutcome(final))
  return final
}

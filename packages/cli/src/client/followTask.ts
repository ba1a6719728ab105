import { isTerminalStatus, type RuntimeClient, type TaskRecord } from "@coderclaw/protocol"
import type { TaskView } from "../output/TaskView.js"
import { readWhileReconnecting } from "./readWhileReconnecting.js"

/** How long child streams may run on after the watched task ended, to show their last transitions. */
const childGraceMs = 2_000

/**
 * Follows a task until it ends: its events from the first one (or after `afterSeq`), and those of every
 * child task it spawns (a workflow's steps), each child followed as soon as its `child_spawned` event
 * arrives. Resolves with the task's final record. The client's streams replay history and resume after a
 * dropped connection or a server restart, so nothing is missed or shown twice; a stream the client gave up
 * on (the server stayed away past its give-up time) rejects with `Unavailable`.
 */
export const followTask = async (
  client: RuntimeClient,
  task: Pick<TaskRecord, "id" | "agentId">,
  view: TaskView,
  options: { readonly afterSeq?: number } = {}
): Promise<TaskRecord> => {
  const children = new AbortController()
  const streams: Array<Promise<void>> = []

  const follow = async (taskId: string, signal: AbortSignal | undefined, afterSeq: number): Promise<void> => {
    for await (const envelope of client.subscribe(taskId, { afterSeq, ...(signal === undefined ? {} : { signal }) })) {
      view.event(envelope)
      const { event } = envelope
      if (event.type === "child_spawned") {
        view.track(event.childId, event.agentId)
        streams.push(follow(event.childId, children.signal, 0).catch(() => undefined))
      }
      if (event.type === "status_changed" && isTerminalStatus(event.to) && taskId === task.id) return
    }
  }

  view.track(task.id, task.agentId)
  try {
    await follow(task.id, undefined, options.afterSeq ?? 0)
    const ended = Promise.allSettled(streams)
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, childGraceMs)))])
    clearTimeout(timer)
  } finally {
    children.abort()
  }
  // The stream ended with the task; the server may be restarting right then, so the read waits for it.
  return readWhileReconnecting(() => client.get(task.id))
}

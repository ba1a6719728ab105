import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { Effect } from "effect"
import type { DemoContext } from "../DemoContext.js"
import { DemoError } from "../DemoError.js"
import { call, ensure } from "../mesh/clientCall.js"
import type { Connection } from "../mesh/connect.js"
import { submitAndFollow } from "../mesh/submitAndFollow.js"

const step = "approve, then cancel a command"

/** Whether a process exists: signal 0 checks without sending anything. */
const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else; only ESRCH means it is gone.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Polls until the process is gone (the runtime kills its group and Node reaps it), for at most `ms`. */
const waitUntilGone = (pid: number, ms: number): Effect.Effect<boolean> =>
  Effect.gen(function* () {
    const until = Date.now() + ms
    while (isRunning(pid)) {
      if (Date.now() > until) return false
      yield* Effect.sleep("25 millis")
    }
    return true
  })

const pidLine = /pid (\d+)/

/** The process id the command printed first, if this event is that output line. */
const pidOf = (envelope: TaskEventEnvelope): number | undefined => {
  const event = envelope.event
  if (event.type !== "output" || event.name !== "stdout") return undefined
  const lines = (event.value as { readonly lines?: ReadonlyArray<string> }).lines ?? []
  const match = lines.map((line) => pidLine.exec(line)).find((found) => found !== null)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/**
 * Step 5: alice runs `sleep 30` through the `test-runner` agent. Its `shell.run` call is dangerous, so the
 * task waits for approval; the admin approves over his own connection; the command starts and prints its
 * process id; alice cancels the task. The task ends `cancelled` and the process is really gone: the
 * runtime interrupted the agent, and `shell.run` killed the command's process group.
 */
export const approveAndCancel = (
  context: DemoContext,
  alice: Connection,
  admin: Connection
): Effect.Effect<void, DemoError> =>
  Effect.gen(function* () {
    const { narrator } = context
    yield* narrator.section("Approval and cancellation: a dangerous command, approved, then stopped")
    let pid: number | undefined
    let summary = ""
    const followed = yield* submitAndFollow(
      step,
      context,
      alice.client,
      {
        agentId: "test-runner",
        description: "Run a long command (sleep 30)",
        input: { cwd: context.scanPath, command: 'echo "pid $$"; exec sleep 30', timeoutMs: 60_000 }
      },
      {
        label: "test-runner",
        onEvent: (envelope) =>
          Effect.gen(function* () {
            const event = envelope.event
            if (event.type === "approval_requested") summary = `${event.skillId}: ${event.summary}`
            if (event.type === "status_changed" && event.to === "waiting" && event.waitingFor === "approval") {
              yield* narrator.line(`approval needed for ${summary}`)
              yield* call(step, "approving", (signal) =>
                admin.client.resolveApproval(
                  envelope.taskId,
                  { approved: true, reason: "approved by admin for the demo" },
                  { signal }
                )
              )
              yield* narrator.line("admin approves over his own connection")
            } else if (event.type === "approval_resolved") {
              yield* narrator.line(
                `approval resolved: ${event.approved ? "approved" : "denied"}${event.reason === undefined ? "" : ` (${event.reason})`}`
              )
            }
            const started = pidOf(envelope)
            if (started !== undefined && pid === undefined) {
              pid = started
              // Checked alive first, so that "gone" afterwards means the cancel stopped it.
              yield* ensure(step, isRunning(started), () => `process ${started} is not running before the cancel`)
              yield* narrator.line(`sleep 30 is running as process ${started}`)
              const cancelled = yield* call(step, "cancelling", (signal) =>
                alice.client.cancel(envelope.taskId, "cancelled by alice", { signal })
              )
              yield* narrator.line(`alice cancels the task: ${cancelled.status}`)
            }
          })
      }
    )
    yield* ensure(
      step,
      followed.record.status === "cancelled",
      () => `test-runner ended ${followed.record.status}, not cancelled`
    )
    yield* ensure(step, followed.path.includes("waiting"), () => "test-runner never waited for approval")
    if (pid === undefined) {
      return yield* new DemoError({ step, reason: "Unexpected", detail: "the command never reported its process id" })
    }
    const gone = yield* waitUntilGone(pid, 5_000)
    yield* ensure(step, gone, () => `process ${pid} still runs after the task was cancelled`)
    yield* narrator.line(`process ${pid} is gone: the cancel stopped the command, not just the task record`)
  })

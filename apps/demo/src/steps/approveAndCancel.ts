import { readdirSync, readFileSync } from "node:fs"
import { isRuntimeError, type TaskEventEnvelope } from "@coderclaw/protocol"
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

/**
 * The id, as this machine sees it, of the process whose arguments are exactly `argv`. The command runs in a
 * sandbox with its own PID namespace, where it knows only its id inside; it is found from outside by a
 * unique argument (Linux `/proc`).
 */
const hostPidOf = (argv: ReadonlyArray<string>): number | undefined => {
  const wanted = `${argv.join("\0")}\0`
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8") === wanted) return Number(entry)
    } catch {
      // gone meanwhile
    }
  }
  return undefined
}

/** Polls for the process running `argv`, for at most `ms`. */
const findProcess = (argv: ReadonlyArray<string>, ms: number): Effect.Effect<number | undefined> =>
  Effect.gen(function* () {
    const until = Date.now() + ms
    for (;;) {
      const pid = hostPidOf(argv)
      if (pid !== undefined || Date.now() > until) return pid
      yield* Effect.sleep("25 millis")
    }
  })

/** Whether this event is the command's first output line. */
const isStarted = (envelope: TaskEventEnvelope): boolean => {
  const event = envelope.event
  if (event.type !== "output" || event.name !== "stdout") return false
  const lines = (event.value as { readonly lines?: ReadonlyArray<string> }).lines ?? []
  return lines.includes("started")
}

/**
 * Step 5: alice runs `sleep 30` through the `test-runner` agent. Its `shell.run` call is dangerous, so the
 * task waits for approval; alice cannot approve her own command (separation of duties); the admin approves
 * over his own connection; the command starts (in `shell.run`'s
 * sandbox) and says so; alice cancels the task. The task ends `cancelled` and the process is really gone:
 * the runtime interrupted the agent, and `shell.run` stopped the sandbox and everything in it.
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
    // A duration no other process on this machine is likely to sleep for: how the demo finds its process.
    const sleepFor = `30.${process.pid}${Date.now() % 1_000}`
    const followed = yield* submitAndFollow(
      step,
      context,
      alice.client,
      {
        agentId: "test-runner",
        description: "Run a long command (sleep 30)",
        input: { cwd: context.scanPath, command: `echo started; exec sleep ${sleepFor}`, timeoutMs: 60_000 }
      },
      {
        label: "test-runner",
        onEvent: (envelope) =>
          Effect.gen(function* () {
            const event = envelope.event
            if (event.type === "approval_requested") summary = `${event.skillId}: ${event.summary}`
            if (event.type === "status_changed" && event.to === "waiting" && event.waitingFor === "approval") {
              yield* narrator.line(`approval needed for ${summary}`)
              // Separation of duties: the task's owner cannot approve its own dangerous command.
              const own = yield* Effect.result(
                Effect.tryPromise({
                  try: (signal) => alice.client.resolveApproval(envelope.taskId, { approved: true }, { signal }),
                  catch: (error) => error
                })
              )
              const refusal = own._tag === "Failure" && isRuntimeError(own.failure) ? own.failure : undefined
              yield* ensure(
                step,
                refusal?._tag === "Forbidden",
                () => "alice could approve her own task's dangerous command"
              )
              const reasons = refusal?._tag === "Forbidden" ? refusal.reasons.join(", ") : ""
              yield* narrator.line(`alice tries to approve her own command: refused (${reasons})`)
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
            const started =
              isStarted(envelope) && pid === undefined ? yield* findProcess(["sleep", sleepFor], 5_000) : undefined
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
      return yield* new DemoError({ step, reason: "Unexpected", detail: "the command was never found running" })
    }
    const gone = yield* waitUntilGone(pid, 5_000)
    yield* ensure(step, gone, () => `process ${pid} still runs after the task was cancelled`)
    yield* narrator.line(`process ${pid} is gone: the cancel stopped the command, not just the task record`)
  })

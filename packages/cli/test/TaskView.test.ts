import { PassThrough, Readable } from "node:stream"
import type { TaskEventEnvelope } from "@coderclaw/protocol"
import { describe, expect, it } from "vitest"
import { makeOutput } from "../src/output/Output.js"
import { makeTaskView } from "../src/output/TaskView.js"
import { formatClock } from "../src/output/table.js"

const taskId = "01a24de9-c01c-759f-93e5-ae3837e07d60"
// Events of a run long ago, replayed now (`watch` of an old task, or piped into a file).
const then = new Date(2021, 4, 6, 7, 8, 9).getTime()

const envelope = (seq: number, at: number, event: TaskEventEnvelope["event"]): TaskEventEnvelope =>
  ({ taskId, seq, position: seq, at, causedBy: "local:alice", event }) as TaskEventEnvelope

describe("the plain task view (stdout not a terminal)", () => {
  it("stamps every line, progress included, with the event's own time, not the time it is shown", () => {
    const stdout = new PassThrough()
    const chunks: Array<Buffer> = []
    stdout.on("data", (chunk: Buffer) => chunks.push(chunk))
    const out = makeOutput({ stdout, stderr: new PassThrough(), stdin: Readable.from([]), env: {}, cwd: "." }, false)
    const view = makeTaskView(out)
    view.track(taskId, "echo")
    view.event(
      envelope(1, then, { type: "status_changed", from: "pending", to: "planning" } as TaskEventEnvelope["event"])
    )
    view.event(envelope(2, then + 1_000, { type: "progress", percent: 50, message: "halfway" }))
    view.event(envelope(3, then + 2_000, { type: "progress", percent: 75 }))
    view.stop()
    const lines = Buffer.concat(chunks).toString("utf8").trimEnd().split("\n")
    expect(lines).toEqual([
      `${formatClock(then)} echo               pending → planning`,
      `${formatClock(then + 1_000)} echo               50% halfway`,
      `${formatClock(then + 2_000)} echo               75%`
    ])
  })
})

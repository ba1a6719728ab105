import { Effect } from "effect"
import { fileCounterId } from "../agents/fileCounter.js"
import type { DemoContext } from "../DemoContext.js"
import type { DemoError } from "../DemoError.js"
import { call, ensure } from "../mesh/clientCall.js"
import type { Connection } from "../mesh/connect.js"
import { submitAndFollow } from "../mesh/submitAndFollow.js"

const step = "answer a question"

/**
 * Step 4: the demo's `file-counter` agent asks which directory to count; the task waits for input until
 * alice's client answers, then runs again and counts the files through `repo.list`.
 */
export const answerQuestion = (context: DemoContext, alice: Connection): Effect.Effect<void, DemoError> =>
  Effect.gen(function* () {
    const { narrator } = context
    const answer = `${context.scanPath}/protocol`
    yield* narrator.section("Input: a task asks alice a question and waits for her answer")
    let prompt = ""
    const followed = yield* submitAndFollow(
      step,
      context,
      alice.client,
      { agentId: fileCounterId, description: "Count the files of a directory alice names" },
      {
        label: fileCounterId,
        // The question arrives first (`input_requested`), then the task moves to waiting: answer then.
        onEvent: (envelope) =>
          Effect.gen(function* () {
            const event = envelope.event
            if (event.type === "input_requested") prompt = event.prompt
            if (event.type === "status_changed" && event.to === "waiting" && event.waitingFor === "input") {
              yield* narrator.line(`${fileCounterId} asks: "${prompt}"`)
              yield* call(step, "answering", (signal) => alice.client.provideInput(envelope.taskId, answer, { signal }))
              yield* narrator.line(`alice answers: "${answer}"`)
            }
          })
      }
    )
    const { record } = followed
    yield* ensure(
      step,
      record.status === "completed",
      () => `${fileCounterId} ended ${record.status}: ${record.error?.message ?? ""}`
    )
    yield* ensure(step, followed.path.includes("waiting"), () => `${fileCounterId} never waited for input`)
    const result = record.result as { readonly files?: number; readonly directory?: string } | undefined
    yield* narrator.line(`${fileCounterId} counted ${String(result?.files)} files in ${String(result?.directory)}`)
  })

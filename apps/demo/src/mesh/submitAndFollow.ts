import type { RuntimeClient, SubmitRequest } from "@coderclaw/protocol"
import { Effect } from "effect"
import type { DemoContext } from "../DemoContext.js"
import type { DemoError } from "../DemoError.js"
import { type FollowedTask, type FollowOptions, followTask } from "../narrate/followTask.js"
import { labelWidth } from "../narrate/Narrator.js"
import { recordOutcome } from "../narrate/recordOutcome.js"
import { call } from "./clientCall.js"

/**
 * Submits a task as the client's principal, follows it to its end (transitions, progress, `onEvent`) and
 * adds it to the summary.
 */
export const submitAndFollow = (
  step: string,
  context: DemoContext,
  client: RuntimeClient,
  request: typeof SubmitRequest.Encoded,
  options: FollowOptions
): Effect.Effect<FollowedTask, DemoError> =>
  Effect.gen(function* () {
    const task = yield* call(step, `submitting ${options.label}`, (signal) => client.submit(request, { signal }))
    yield* context.narrator.line(`${options.label.padEnd(labelWidth)} submitted as task ${task.id}`)
    const followed = yield* followTask(step, context.narrator, client, task.id, options)
    recordOutcome(context, options.label, followed)
    return followed
  })

import { isRuntimeError } from "@coderclaw/protocol"
import { Effect } from "effect"
import { DemoError } from "../DemoError.js"

/** The text of a failure: a runtime error's own message, or whatever was thrown. */
export const describeFailure = (error: unknown): string =>
  isRuntimeError(error) ? `${error._tag}: ${error.message}` : error instanceof Error ? error.message : String(error)

/**
 * A call the demo needs to succeed (a `RuntimeClient` promise): its rejection becomes a `CallFailed`
 * `DemoError` of `step`, naming `what` was attempted.
 */
export const call = <A>(
  step: string,
  what: string,
  run: (signal: AbortSignal) => Promise<A>
): Effect.Effect<A, DemoError> =>
  Effect.tryPromise({
    try: run,
    catch: (error) => new DemoError({ step, reason: "CallFailed", detail: `${what} failed: ${describeFailure(error)}` })
  })

/** What the mesh answered to an action it must refuse. */
export interface Refusal {
  readonly error: string
  readonly reasons: ReadonlyArray<string>
}

/**
 * An action the mesh must refuse with `Forbidden`: resolves with the error's tag and reasons. Being
 * allowed, or refused for another cause, is an `Unexpected` `DemoError`: the denial is what the step shows.
 */
export const expectForbidden = (
  step: string,
  what: string,
  run: () => Promise<unknown>
): Effect.Effect<Refusal, DemoError> =>
  Effect.tryPromise({ try: run, catch: (error) => error }).pipe(
    Effect.matchEffect({
      onSuccess: () =>
        Effect.fail(new DemoError({ step, reason: "Unexpected", detail: `${what} was allowed, but must be refused` })),
      onFailure: (error) =>
        isRuntimeError(error) && error._tag === "Forbidden"
          ? Effect.succeed({ error: error._tag, reasons: error.reasons })
          : Effect.fail(
              new DemoError({
                step,
                reason: "Unexpected",
                detail: `${what} must be refused as Forbidden, but failed with ${describeFailure(error)}`
              })
            )
    })
  )

/** Fails the step with an `Unexpected` `DemoError` unless `condition` holds. */
export const ensure = (step: string, condition: boolean, detail: () => string): Effect.Effect<void, DemoError> =>
  condition ? Effect.void : Effect.fail(new DemoError({ step, reason: "Unexpected", detail: detail() }))

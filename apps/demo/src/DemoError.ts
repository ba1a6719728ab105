import { Schema } from "effect"

/**
 * Why the demo stopped. `reason` says what kind of trouble it was:
 *
 * - `StartFailed`: the server, a temporary directory or the inspector bridge could not start;
 * - `CallFailed`: a call the demo needed (submit, sign-in, approval…) was refused or failed;
 * - `Unexpected`: the mesh answered, but not as it must (a task did not reach the expected state, a
 *   forbidden action was allowed, a cancelled process still runs, the audit chain is broken).
 *
 * `step` names the step of the narrative it happened in, so the message points at the part of the mesh to
 * look at.
 */
export class DemoError extends Schema.TaggedError<DemoError>()("DemoError", {
  step: Schema.String,
  reason: Schema.Literals(["StartFailed", "CallFailed", "Unexpected"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.step}: ${this.detail}`
  }
}

import { Schema } from "effect"

/**
 * Why `shell.run` could not run a command: its input is invalid or too long to be approved whole
 * (`InvalidInput`), the process could not be started (`SpawnFailed`, e.g. the program does not exist), or
 * no sandbox can confine it here and the operator did not opt out (`SandboxUnavailable`). A command that
 * runs and exits with a non-zero code, or is stopped by its timeout, is not an error: the result says so.
 */
export class CommandError extends Schema.TaggedError<CommandError>()("CommandError", {
  reason: Schema.Literals(["InvalidInput", "SpawnFailed", "SandboxUnavailable"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

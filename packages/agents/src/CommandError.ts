import { Schema } from "effect"

/**
 * Why `shell.run` could not run a command: its input is invalid (`InvalidInput`), or the process could not
 * be started (`SpawnFailed`, e.g. the program does not exist). A command that runs and exits with a
 * non-zero code, or is stopped by its timeout, is not an error: the result says so.
 */
export class CommandError extends Schema.TaggedError<CommandError>()("CommandError", {
  reason: Schema.Literals(["InvalidInput", "SpawnFailed"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

import { Schema } from "effect"
import { ExitCode } from "./ExitCode.js"

/**
 * Why a command stopped:
 * - `usage`: the arguments or a configuration file are wrong (exit 2);
 * - `failed`: the operation was refused or did not succeed (exit 1);
 * - `connection`: the server cannot be reached or refused to authenticate us (exit 3).
 */
export const CliErrorReason = Schema.Literals(["Usage", "Failed", "Connection"])
export type CliErrorReason = typeof CliErrorReason.Type

/**
 * The one error a command ends with. `message` is written for people (no stack trace); `hint`, when
 * present, says what to do next; `details` is what `--json` prints besides the message.
 */
export class CliError extends Schema.TaggedError<CliError>()("CliError", {
  reason: CliErrorReason,
  message: Schema.String,
  hint: Schema.optionalKey(Schema.String),
  code: Schema.optionalKey(Schema.String),
  details: Schema.optionalKey(Schema.Unknown)
}) {
  /** The process exit code for this error. */
  get exitCode(): ExitCode {
    return this.reason === "Usage"
      ? ExitCode.usage
      : this.reason === "Connection"
        ? ExitCode.connection
        : ExitCode.failed
  }
}

/** A usage error (exit 2). */
export const usageError = (message: string, hint?: string): CliError =>
  new CliError({ reason: "Usage", message, ...(hint === undefined ? {} : { hint }) })

/** The operation failed (exit 1). */
export const failedError = (
  message: string,
  extra: { hint?: string; code?: string; details?: unknown } = {}
): CliError => new CliError({ reason: "Failed", message, ...withoutUndefined(extra) })

/** The server cannot be reached or refused us (exit 3). */
export const connectionError = (message: string, hint?: string, code?: string): CliError =>
  new CliError({
    reason: "Connection",
    message,
    ...(hint === undefined ? {} : { hint }),
    ...(code === undefined ? {} : { code })
  })

const withoutUndefined = <T extends object>(value: T): { [K in keyof T]-?: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never

import type { Command } from "commander"
import { makeOutput, type Output } from "../output/Output.js"
import type { CliIo } from "./CliIo.js"

/** What every command's action gets besides its arguments. */
export interface CommandContext {
  readonly io: CliIo
  /** The output of the running command, honouring `--json`. */
  output(command: Command): Output
  /** Sets the process exit code the run ends with (e.g. 1 when a watched task failed). */
  exitWith(code: number): void
}

/** The context of one `runCli` call. */
export const makeCommandContext = (io: CliIo, setExit: (code: number) => void): CommandContext => ({
  io,
  output: (command) => makeOutput(io, command.optsWithGlobals<{ json?: boolean }>().json === true),
  exitWith: setExit
})

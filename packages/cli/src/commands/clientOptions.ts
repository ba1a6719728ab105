import type { Command } from "commander"
import type { CommandContext } from "../cli/CommandContext.js"
import type { ClientContext } from "../client/connect.js"

/** The connection settings of a client command: the global `--server`, else the environment or the saved session. */
export const clientContextOf = (context: CommandContext, command: Command): ClientContext => {
  const { server } = command.optsWithGlobals<{ server?: string }>()
  return { io: context.io, ...(server === undefined ? {} : { server }) }
}

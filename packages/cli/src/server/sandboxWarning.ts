import { defaultBwrap, probeSandbox, shellRunId } from "@coderclaw/agents"

/**
 * The start-up warning about the sandbox of dangerous skills, or `undefined` when commands are confined:
 * without bubblewrap, `shell.run` is refused, or, where the operator opted out, runs unconfined.
 */
export const sandboxWarning = async (
  unsandboxed: ReadonlyArray<string> | undefined,
  bwrap: string = defaultBwrap
): Promise<string | undefined> => {
  const probe = await probeSandbox(bwrap)
  if (probe.available) return undefined
  return unsandboxed?.includes(shellRunId) === true
    ? `WARNING: no sandbox (${probe.reason}); ${shellRunId} runs commands UNCONFINED, as this server's user, because runtime.yaml lists it under \`unsandboxed\``
    : `WARNING: no sandbox (${probe.reason}); ${shellRunId} refuses every command until bubblewrap is installed (or runtime.yaml opts out with \`unsandboxed: [${shellRunId}]\`)`
}

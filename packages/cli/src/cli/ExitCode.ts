/**
 * The exit codes of `coderclaw`, stable for scripts:
 *
 * - `0` success;
 * - `1` the operation failed (a task failed or was cancelled, access denied, not found, a broken audit log);
 * - `2` usage error (unknown command, missing or invalid argument, invalid JSON, invalid configuration file);
 * - `3` cannot reach or authenticate to the server (unreachable, refused credentials, expired session, not
 *   logged in).
 */
export const ExitCode = {
  success: 0,
  failed: 1,
  usage: 2,
  connection: 3
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

import { spawn } from "node:child_process"
import { baseSandboxArgs } from "./internal/sandboxArgs.js"

/** The program `shell.run` confines commands with when no other is configured: bubblewrap, found on `PATH`. */
export const defaultBwrap = "bwrap"

/**
 * Whether commands can be confined on this machine: bubblewrap (`bwrap`) is installed and it could start a
 * process in fresh user, PID, network, mount and IPC namespaces (kernels may forbid unprivileged user
 * namespaces). `reason` says what is missing when it is not.
 */
export type SandboxProbe =
  | { readonly available: true; readonly bwrap: string }
  | { readonly available: false; readonly bwrap: string; readonly reason: string }

const probes = new Map<string, Promise<SandboxProbe>>()

const runProbe = (bwrap: string): Promise<SandboxProbe> =>
  new Promise((resolve) => {
    let stderr = ""
    const child = spawn(bwrap, [...baseSandboxArgs(), "--", "true"], {
      env: { PATH: "/usr/bin:/bin" },
      stdio: ["ignore", "ignore", "pipe"]
    })
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < 2_000) stderr += chunk
    })
    child.once("error", (error: NodeJS.ErrnoException) =>
      resolve({
        available: false,
        bwrap,
        reason:
          error.code === "ENOENT"
            ? `${bwrap} is not installed (install the bubblewrap package)`
            : `${bwrap} cannot be started: ${error.code ?? error.message}`
      })
    )
    child.once("close", (code) =>
      resolve(
        code === 0
          ? { available: true, bwrap }
          : {
              available: false,
              bwrap,
              reason: `${bwrap} could not create a sandbox (exit ${code}): ${stderr.trim() || "no message"}`
            }
      )
    )
  })

/**
 * Checks once per program (the answer is kept for the life of the process) whether bubblewrap can confine
 * a command here. `shell.run` asks before every command and refuses to run one when the answer is no,
 * unless the operator opted out (`allowUnsandboxed`); `coderclaw serve` asks at start-up to warn.
 */
export const probeSandbox = (bwrap: string = defaultBwrap): Promise<SandboxProbe> => {
  const known = probes.get(bwrap)
  if (known !== undefined) return known
  const probe = runProbe(bwrap)
  probes.set(bwrap, probe)
  return probe
}

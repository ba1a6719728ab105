import { existsSync, lstatSync, readlinkSync, statSync } from "node:fs"
import { dirname, join } from "node:path"

// The system directories a command needs to find programs and libraries. On merged-/usr systems the
// top-level ones are symlinks into /usr and are recreated as such; elsewhere they are bound read-only.
const systemDirectories = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]

// Of /etc, only what programs need to start and behave (user names, library paths, alternatives, time
// zone, CA certificates): not the whole directory, which may hold the host's credentials.
const etcEntries = [
  "/etc/alternatives",
  "/etc/passwd",
  "/etc/group",
  "/etc/nsswitch.conf",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/localtime",
  "/etc/timezone",
  "/etc/ssl/certs",
  "/etc/ca-certificates",
  "/etc/mime.types",
  "/etc/os-release",
  "/etc/shells"
]

let systemArgs: ReadonlyArray<string> | undefined

const systemBinds = (): ReadonlyArray<string> => {
  if (systemArgs !== undefined) return systemArgs
  const args = ["--ro-bind", "/usr", "/usr"]
  for (const path of systemDirectories) {
    try {
      const stats = lstatSync(path)
      if (stats.isSymbolicLink()) args.push("--symlink", readlinkSync(path), path)
      else if (stats.isDirectory()) args.push("--ro-bind", path, path)
    } catch {
      // Not on this system.
    }
  }
  for (const path of etcEntries) args.push("--ro-bind-try", path, path)
  // A Node.js installed outside /usr (e.g. /opt/node) stays usable by the commands it runs.
  const nodePrefix = dirname(dirname(process.execPath))
  if (!nodePrefix.startsWith("/usr/") && nodePrefix !== "/usr" && nodePrefix !== "/") {
    args.push("--ro-bind-try", nodePrefix, nodePrefix)
  }
  systemArgs = args
  return args
}

/**
 * The bubblewrap arguments every sandbox starts with: fresh user, PID, network, IPC, UTS and cgroup
 * namespaces (no network at all, not even loopback; the command's processes are the only ones it sees),
 * killed with its parent, in a new session (no writing to the server's terminal), the system directories
 * read-only, a private `/proc` and `/dev`, and an empty `/tmp`.
 */
export const baseSandboxArgs = (): ReadonlyArray<string> => [...namespaceArgs(), "--tmpfs", "/tmp"]

const namespaceArgs = (): ReadonlyArray<string> => [
  "--unshare-all",
  "--die-with-parent",
  "--new-session",
  ...systemBinds(),
  "--proc",
  "/proc",
  "--dev",
  "/dev"
]

/** Where a sandboxed command runs: the repository, its working directory, and its private scratch dir. */
export interface SandboxPlan {
  /** The repository's real path: bound read-write at the same path. */
  readonly root: string
  /** The working directory (a real path inside `root`). */
  readonly cwd: string
  /** A private directory on the host, bound as `/tmp` (and the command's `HOME`). */
  readonly scratch: string
  /** Absolute paths inside the repository the command must not see (the server's own files). */
  readonly hidden: ReadonlyArray<string>
}

/**
 * The bubblewrap command line that runs `file args` confined to the plan: the sandbox sees the system
 * directories read-only, the repository read-write except its `.git` directory (read-only, so a command
 * cannot plant hooks or configuration that git would run later outside the sandbox), the scratch dir as
 * `/tmp`, and nothing else of the host: not the server's data directory, home, keys or sockets.
 */
export const sandboxArgs = (plan: SandboxPlan, file: string, args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const out = [...namespaceArgs(), "--bind", plan.scratch, "/tmp", "--bind", plan.root, plan.root]
  const git = join(plan.root, ".git")
  if (existsSync(git)) out.push("--ro-bind", git, git)
  for (const path of plan.hidden) {
    try {
      if (statSync(path).isDirectory()) out.push("--tmpfs", path)
      else out.push("--ro-bind", "/dev/null", path)
    } catch {
      // Not there (yet): nothing to mask.
    }
  }
  out.push("--chdir", plan.cwd, "--", file, ...args)
  return out
}

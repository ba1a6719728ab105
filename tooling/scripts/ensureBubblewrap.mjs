// Installs bubblewrap (`bwrap`), the sandbox `shell.run` confines commands with, when it is missing and this
// is a Debian-like machine where we are root: `apt-get update`, then `apt-get install bubblewrap`. Never fails
// the run: without it the sandbox tests skip (saying why) and `shell.run` refuses commands.
import { spawnSync } from "node:child_process"
import { step } from "./workspace.mjs"

const works = (command, args) => {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 30_000 })
  return result.error === undefined && result.status === 0
}

const notice = (message) => {
  console.log(`  notice: ${message}`)
  console.log("  without it, the sandbox tests are skipped and shell.run refuses to run commands")
}

/** Makes sure `bwrap` is on PATH, installing the `bubblewrap` package with apt-get if it can. */
export const ensureBubblewrap = () => {
  if (process.platform !== "linux") return
  if (works("bwrap", ["--version"])) return
  step("Installing bubblewrap (the sandbox of shell.run)")
  if (!works("apt-get", ["--version"])) {
    notice("bwrap is missing and apt-get is not available here: install bubblewrap with your package manager")
    return
  }
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    notice("bwrap is missing and installing it needs root: run `sudo apt-get install bubblewrap`")
    return
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  const apt = (args) => spawnSync("apt-get", args, { stdio: "inherit", env, timeout: 600_000 })
  const updated = apt(["update"])
  if (updated.error !== undefined || updated.status !== 0) console.log("  notice: apt-get update failed; trying anyway")
  const installed = apt(["install", "-y", "--no-install-recommends", "bubblewrap"])
  if (installed.error !== undefined || installed.status !== 0 || !works("bwrap", ["--version"])) {
    notice("apt-get could not install bubblewrap")
    return
  }
  console.log("  bubblewrap installed")
}

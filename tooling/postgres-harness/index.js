import { execFileSync, spawnSync } from "node:child_process"
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freeFixedPort } from "@coderclaw/process-harness"

/**
 * Where the PostgreSQL server programs are: `$PG_BIN` when set, else the newest
 * `/usr/lib/postgresql/<major>/bin` (Debian's layout), else the folder of `pg_ctl` on the PATH.
 *
 * @returns {string}
 */
export const findPostgresBin = () => {
  const fromEnv = process.env.PG_BIN
  if (fromEnv !== undefined && existsSync(join(fromEnv, "pg_ctl"))) return fromEnv
  const root = "/usr/lib/postgresql"
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a))
    if (majors[0] !== undefined) return join(root, majors[0], "bin")
  }
  const onPath = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" }).stdout.trim()
  if (onPath !== "") return onPath.slice(0, onPath.lastIndexOf("/"))
  throw new Error(
    "PostgreSQL server programs (initdb, pg_ctl) not found: install PostgreSQL 15 or newer " +
      "(Debian: apt-get install postgresql) or set PG_BIN to the folder holding them"
  )
}

/** PostgreSQL refuses to run as root: pick the unprivileged OS user to run it as (undefined: ourselves). */
const serverUser = () => {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined
  for (const name of ["postgres", "nobody"]) {
    const found = spawnSync("id", ["-u", name], { encoding: "utf8" })
    if (found.status === 0) {
      const uid = Number(found.stdout.trim())
      const gid = Number(spawnSync("id", ["-g", name], { encoding: "utf8" }).stdout.trim())
      return { name, uid, gid }
    }
  }
  throw new Error("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")
}

/** Every server started by this process and not stopped yet: stopped at exit whatever happens. */
const running = new Set()

const stopNow = (/** @type {{ pgCtl: (args: string[]) => void, dataDir: string }} */ server) => {
  try {
    server.pgCtl(["stop", "-D", server.dataDir, "-m", "immediate", "-w", "-t", "60"])
  } catch {
    // Already stopped.
  }
}

process.on("exit", () => {
  for (const server of running) stopNow(server)
})

const user = "coderclaw"

/**
 * Starts a new PostgreSQL cluster in a temporary folder, on a free loopback port, with password
 * authentication over TCP (the password is random), and a database `coderclaw`. Resolves once the server
 * accepts connections (it may take many seconds on a busy machine).
 *
 * @param {{ readonly settings?: Readonly<Record<string, string | number>> }} [options]
 */
export const startPostgres = async (options = {}) => {
  const bin = findPostgresBin()
  const runAs = serverUser()
  const root = mkdtempSync(join(tmpdir(), "coderclaw-pg-"))
  const dataDir = join(root, "data")
  const socketDir = join(root, "socket")
  const logFile = join(root, "server.log")
  const passwordFile = join(root, "password")
  const password = `pw-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
  mkdirSync(socketDir)
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 })
  if (runAs !== undefined) {
    for (const path of [root, socketDir, passwordFile]) chownSync(path, runAs.uid, runAs.gid)
  }
  /** Runs a server program as the server's user, failing with its output. */
  const run = (/** @type {string} */ program, /** @type {string[]} */ args) => {
    const [command, argv] =
      runAs === undefined
        ? [join(bin, program), args]
        : ["runuser", ["-u", runAs.name, "--", join(bin, program), ...args]]
    return execFileSync(command, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: root })
  }
  const port = await freeFixedPort()
  const settings = {
    listen_addresses: "127.0.0.1",
    port,
    unix_socket_directories: socketDir,
    max_connections: 200,
    fsync: "on",
    ...options.settings
  }
  const serverOptions = Object.entries(settings)
    .map(([key, value]) => `-c ${key}=${value}`)
    .join(" ")
  const server = {
    dataDir,
    pgCtl: (/** @type {string[]} */ args) => run("pg_ctl", args)
  }
  try {
    run("initdb", [
      "-D",
      dataDir,
      "-U",
      user,
      `--pwfile=${passwordFile}`,
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      "--encoding=UTF8",
      "--no-instructions"
    ])
  } catch (error) {
    rmSync(root, { recursive: true, force: true })
    throw new Error(`initdb failed: ${/** @type {{ stderr?: string }} */ (error).stderr ?? error}`)
  }
  const start = () => {
    try {
      server.pgCtl(["start", "-D", dataDir, "-l", logFile, "-w", "-t", "180", "-o", serverOptions])
    } catch (error) {
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : ""
      throw new Error(`PostgreSQL did not start: ${/** @type {{ stderr?: string }} */ (error).stderr ?? error}\n${log}`)
    }
  }
  running.add(server)
  try {
    start()
    run("createdb", ["-h", socketDir, "-p", String(port), "-U", user, "coderclaw"])
  } catch (error) {
    stopNow(server)
    running.delete(server)
    rmSync(root, { recursive: true, force: true })
    throw error
  }
  const connection = {
    host: "127.0.0.1",
    port,
    user,
    password,
    database: "coderclaw",
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/coderclaw`
  }
  return {
    connection,
    root,
    bin,
    /** Runs SQL through psql on the server's socket (as the superuser), returning its output. */
    psql: (/** @type {string} */ sql, /** @type {string} */ database = "coderclaw") =>
      run("psql", ["-h", socketDir, "-p", String(port), "-U", user, "-d", database, "-X", "-q", "-A", "-t", "-c", sql]),
    /** Stops the server (`pg_ctl stop -m fast`), keeping its data: `start` brings it back on the same port. */
    stopServer: () => {
      server.pgCtl(["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "120"])
    },
    /** Starts the server again after `stopServer`. */
    startServer: start,
    /** Stops the server and deletes its folder. */
    stop: () => {
      if (!running.has(server)) return
      running.delete(server)
      try {
        server.pgCtl(["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "120"])
      } catch {
        stopNow(server)
      }
      rmSync(root, { recursive: true, force: true })
    }
  }
}

#!/usr/bin/env node
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { Cause, Effect, Exit } from "effect"
import { findRepositoryRoot } from "./findRepositoryRoot.js"
import { runDemo } from "./runDemo.js"

const usage = `Usage: coderclaw-demo [repository] [--inspect [--keep]] [--scan-path <dir>] [--plain]

Runs the coderClaw mesh end to end against a repository (default: the one this demo belongs to):
a server on 127.0.0.1 with a fresh SQLite database, device pairing, repository tasks, a workflow,
a question, an approved then cancelled command, refused actions, and the verified audit log.

  --inspect          serve the task statecharts to the Stately inspector through a loopback bridge
  --keep             with --inspect: keep the server and the bridge up after the run, until Ctrl-C
  --scan-path <dir>  the repository directory the scanner and reviewer look at (default: packages)
  --plain            plain progress lines even on a terminal
  -h, --help         this text

Exits 0 when every step went as it must, 1 otherwise (with the step and the reason), 2 on bad usage.
`

const parsed = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        inspect: { type: "boolean", default: false },
        keep: { type: "boolean", default: false },
        "scan-path": { type: "string" },
        plain: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false }
      }
    })
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`)
    process.exit(2)
  }
})()

if (parsed.values.help) {
  process.stdout.write(usage)
  process.exit(0)
}
if (parsed.positionals.length > 1 || (parsed.values.keep && !parsed.values.inspect)) {
  process.stderr.write(`${parsed.values.keep ? "--keep needs --inspect" : "at most one repository"}\n\n${usage}`)
  process.exit(2)
}

const repository = parsed.positionals[0] ?? findRepositoryRoot(dirname(fileURLToPath(import.meta.url)))
if (repository === undefined) {
  process.stderr.write(`cannot find the repository above ${dirname(fileURLToPath(import.meta.url))}: pass its path\n`)
  process.exit(2)
}

// With --keep, the run waits for Ctrl-C before closing everything it started.
const stop = new Promise<void>((resolve) => {
  if (!parsed.values.keep) return
  process.once("SIGINT", () => resolve())
  process.once("SIGTERM", () => resolve())
})

const exit = await Effect.runPromiseExit(
  runDemo({
    repository,
    inspect: parsed.values.inspect,
    ...(parsed.values.keep ? { keepOpenUntil: stop } : {}),
    ...(parsed.values["scan-path"] === undefined ? {} : { scanPath: parsed.values["scan-path"] }),
    ...(parsed.values.plain ? { interactive: false } : {})
  })
)

if (Exit.isSuccess(exit)) {
  process.exitCode = 0
} else {
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  process.stderr.write(
    failure === undefined
      ? `\nDEMO FAILED: unexpected defect\n${Cause.pretty(exit.cause)}\n`
      : `\nDEMO FAILED in step "${failure.error.step}" (${failure.error.reason}): ${failure.error.detail}\n`
  )
  process.exitCode = 1
}

// Everything the demo started is closed by now; should a stray handle still hold the event loop, leave
// anyway rather than hang a CI job (an unref'd timer never keeps the process alive by itself).
setTimeout(() => process.exit(), 2_000).unref()

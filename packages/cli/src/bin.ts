#!/usr/bin/env node
import { processIo } from "./cli/CliIo.js"
import { run } from "./cli/run.js"

// The only place that touches the process: its arguments, streams and exit code. Commands run in-process
// through `run`, which never rejects; a rejection here would be a bug, reported as a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  // A closed pipe (`coderclaw tasks | head`) is not an error of the command.
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0)
  throw error
})

run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(
      `coderclaw: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
    )
    process.exitCode = 1
  }
)

#!/usr/bin/env node
import { resolve } from "node:path"
import { formatEvent } from "./formatEvent.js"
import { runLifecycleExample } from "./runLifecycleExample.js"

// Usage: coderclaw-lifecycle [root]   (default: the current directory)
// Prints every recorded event as it happens, then a summary. Progress lines are shown every 10%.
const root = resolve(process.argv[2] ?? process.cwd())
const lastShown = new Map<string, number>()

const report = await runLifecycleExample({
  root,
  onEvent: (envelope, title) => {
    const { event } = envelope
    if (event.type === "progress") {
      const bucket = Math.floor(event.percent / 10)
      if (event.percent < 100 && lastShown.get(envelope.taskId) === bucket) return
      lastShown.set(envelope.taskId, bucket)
    }
    console.log(`${title.padEnd(12)} #${String(envelope.seq).padEnd(4)} ${formatEvent(event)}`)
  }
})

console.log("")
console.log(`Counted ${report.lineCount.lines} lines in ${report.lineCount.files} TypeScript files under ${root}`)
for (const [where, lines] of Object.entries(report.lineCount.byPackage)) console.log(`  ${where.padEnd(32)} ${lines}`)
console.log("")
for (const task of report.tasks) console.log(`${task.title.padEnd(12)} ${task.status.padEnd(10)} ${task.id}`)
console.log("")
for (const refusal of report.refusals) console.log(`refused: ${refusal}`)
console.log(`refused: ${report.invalidRequest}`)
console.log(
  `${report.journal.length} events recorded, each validated by the protocol schema; ${report.inspectionEvents} inspection events observed.`
)

// `pnpm bench` (apps/bench): every figure next to an anchor measured in the same run, on the same machine.
//   --quick     a smoke run with small counts (seconds); CI runs it through the package's test
//   --million   also park 1,000,000 passivated tasks (minutes)
import { mkdir, writeFile } from "node:fs/promises"
import { formatTable } from "./report.js"
import { runSuite } from "./suite.js"

const quick = process.argv.includes("--quick")
const million = process.argv.includes("--million")
const results = await runSuite({
  quick,
  million,
  onSection: (name) => process.stderr.write(`… ${name}\n`)
})
const { machine } = results
console.log(`coderClaw bench${quick ? " (quick: smoke run, figures not meaningful)" : ""}`)
console.log(`node ${machine.node}, ${machine.cpus} × ${machine.cpu}, ${machine.memoryGiB} GiB`)
console.log(formatTable(results.rows))
for (const row of results.rows.filter((row) => row.note !== undefined)) console.log(`- ${row.benchmark}: ${row.note}`)
const directory = new URL("../results/", import.meta.url)
await mkdir(directory, { recursive: true })
const file = new URL(quick ? "quick.json" : "latest.json", directory)
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`)
console.log(`results written to apps/bench/results/${quick ? "quick" : "latest"}.json`)

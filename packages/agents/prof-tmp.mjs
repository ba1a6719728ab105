import { createLocalRuntime } from "@coderclaw/transport-local"
import { fsRead, repoList, reviewer } from "./dist/index.js"

const root = new URL("../..", import.meta.url).pathname
const runtime = createLocalRuntime({
  agents: [reviewer()],
  skills: [repoList({ root }), fsRead({ root })],
  defaultMaxAttempts: 1
})
const me = { id: "local:me", provider: "local", sessionId: "s-1", roles: [], trust: "trusted" }
const client = runtime.client(me)
const t0 = Date.now()
const task = await client.submit({ agentId: "reviewer", description: "r", input: { path: "packages" } })
let last = t0
for await (const { event } of client.subscribe(task.id)) {
  if (event.type === "progress") {
    const now = Date.now()
    console.log(now - t0, now - last, event.message)
    last = now
  }
}
console.log("total", Date.now() - t0)
await runtime.close()

import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { type Finding, fsRead, repoList, reviewer } from "../src/index.js"
import { runTask, startRuntime } from "./support/harness.js"

// This very repository, as the demo reviews it.
const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url))

describe("reviewing this repository", () => {
  it("reports no secret in the packages: test fixtures with fake keys are not findings", async () => {
    const client = startRuntime({
      agents: [reviewer()],
      skills: [repoList({ root: repositoryRoot }), fsRead({ root: repositoryRoot })]
    })
    const task = await runTask(client, "reviewer", { path: "packages", maxFindings: 10_000 })
    expect(task.status).toBe("completed")
    const review = task.result as { readonly findings: ReadonlyArray<Finding>; readonly secretsIgnored: number }
    const secrets = review.findings.filter((finding) => finding.severity === "critical" || finding.severity === "high")
    expect(secrets.map((finding) => `${finding.rule} ${finding.path}:${finding.line}`)).toEqual([])
    // The fixtures the repository's .secretlintignore names were left out of the secret scan.
    expect(review.secretsIgnored).toBe(2)
  }, 60_000)
})

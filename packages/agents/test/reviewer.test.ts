import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { type Finding, fsRead, repoList, reviewer } from "../src/index.js"
import { makeRepository } from "./support/fixtures.js"
import { collect, runTask, startRuntime } from "./support/harness.js"

// Built at run time, so this file itself holds no secret-looking string for a scanner to trip on.
const githubToken = ["ghp", "Z7xQ4mBv2Kd9TlWe8RtY6uIo3PaS1dFgHj0K"].join("_")
const awsSecret = ["wJalrXUtnF", "MI/K7MDENG", "/bPxRfiCYz", "QKEYSECRET"].join("")
const keyBody = "MIIEowIBAAKCAQEAx".repeat(12)
const keyBlock = (type: string) =>
  `${["-----BEGIN", `${type} PRIVATE KEY-----`].join(" ")}\n${keyBody}\n-----END ${type} PRIVATE KEY-----\n`
const password = ["hunter", "2-deploy"].join("")
// An AWS access key id alone is an identifier, not a secret: secretlint's rules leave it alone.
const awsKeyId = ["AKIA", "Z7XQ4MBV2KD9TLWE"].join("")

const findingsRepository = {
  "README.md": "# Demo\n",
  "src/index.ts": 'export * from "./parser"\n',
  "src/parser.ts": "export const parse = (text: string) => text.trim()\n",
  "test/parser.test.ts": 'import { parse } from "../src/parser"\n',
  "src/lexer.ts": "export const lex = (text: string) => text.split(' ')\n",
  "src/config.ts": [
    `export const token = "${githubToken}"`,
    `export const aws = { aws_secret_access_key: "${awsSecret}" }`,
    `export const keyId = "${awsKeyId}"`,
    ""
  ].join("\n"),
  // A test fixture that says so: `secretlint-disable` comments are honoured.
  "src/config.test.ts": `import "./config"\n// secretlint-disable-next-line\nconst fixture = "${githubToken}"\n`,
  "scripts/deploy.sh": `git push https://deploy:${password}@git.example.com/app.git\n`,
  // Obvious placeholders are not secrets.
  "config.example.json": `{ "api_key": "your-api-key-here", "password": "${"$"}{DB_PASSWORD}" }\n`,
  "deploy/id_rsa": keyBlock("RSA"),
  // Fixtures the repository's .secretlintignore keeps out of the secret scan.
  ".secretlintignore": "# test fixtures with fake keys\nfixtures/\n",
  "fixtures/keys.json": `{ "key": ${JSON.stringify(keyBlock("EC"))} }\n`,
  "assets/big.json": `[${"1,".repeat(1_500)}1]\n`,
  "docs/long.md": "line\n".repeat(60)
}

const thresholds = { largeFileBytes: 2_000, largeFileLines: 50 }

const runtimeFor = (root: string) =>
  startRuntime({ agents: [reviewer()], skills: [repoList({ root }), fsRead({ root })] })

type Review = {
  kind: "review"
  findings: Array<Finding>
  counts: Record<string, number>
  filesReviewed: number
  secretsIgnored: number
  truncated: boolean
}

describe("reviewer", () => {
  it("finds committed secrets, large files and source files without tests, most severe first", async () => {
    const client = runtimeFor(await makeRepository(findingsRepository))
    const task = await runTask(client, "reviewer", thresholds)
    expect(task.status).toBe("completed")
    const review = task.result as Review
    expect(review.findings.map((finding) => [finding.severity, finding.rule, finding.path, finding.line])).toEqual([
      ["critical", "secretlint/privatekey", "deploy/id_rsa", 1],
      ["critical", "secretlint/github", "src/config.ts", 1],
      ["critical", "secretlint/aws", "src/config.ts", 2],
      ["high", "secretlint/basicauth", "scripts/deploy.sh", 1],
      ["medium", "large-file", "assets/big.json", null],
      ["low", "large-file", "docs/long.md", null],
      ["low", "untested-source", "src/lexer.ts", null]
    ])
    expect(review.counts).toEqual({ critical: 3, high: 1, medium: 1, low: 2, info: 0 })
    expect(review).toMatchObject({ kind: "review", filesReviewed: 14, secretsIgnored: 1, truncated: false })
    expect(review.findings[1]).toMatchObject({
      message: "a secret is committed (GITHUB_TOKEN)",
      docsUrl: expect.stringContaining("secretlint-rule-github")
    })
    expect(review.findings[4]?.message).toBe("3004 bytes, above 2000")
    expect(review.findings[5]?.message).toBe("60 lines, above 50")
  })

  it("masks the secrets it reports: neither findings nor the task's history contain them", async () => {
    const client = runtimeFor(await makeRepository(findingsRepository))
    const task = await runTask(client, "reviewer", thresholds)
    const review = task.result as Review
    const previews = review.findings.flatMap((finding) => (finding.preview === undefined ? [] : [finding.preview]))
    expect(previews).toEqual([
      "-----BEGIN RSA PRIVATE KEY-----",
      'export const token = "ghp_…(40 chars)"',
      'export const aws = { aws_secret_access_key: "wJal…(40 chars)" }',
      "git push http…(45 chars)/app.git"
    ])
    const history = JSON.stringify(await collect(client.subscribe(task.id)))
    for (const secret of [githubToken, awsSecret, keyBody, password]) expect(history).not.toContain(secret)
  })

  it("scans every file when the ignore file is protected, and says so", async () => {
    const root = await makeRepository(findingsRepository)
    const client = startRuntime({
      agents: [reviewer()],
      skills: [repoList({ root }), fsRead({ root, hidden: [join(root, ".secretlintignore")] })]
    })
    const review = (await runTask(client, "reviewer", thresholds)).result as Review
    expect(review.secretsIgnored).toBe(0)
    expect(review.findings.filter((finding) => finding.path === "fixtures/keys.json")).toMatchObject([
      { rule: "secretlint/privatekey", severity: "critical" }
    ])
    expect(review.findings.find((finding) => finding.rule === "secret-ignore-unreadable")).toMatchObject({
      severity: "info",
      path: ".secretlintignore",
      message: ".secretlintignore could not be read (Hidden): every file was scanned for secrets"
    })
  })

  it("finds nothing in a clean repository, whatever the test naming convention", async () => {
    const client = runtimeFor(
      await makeRepository({
        "README.md": "# Clean\n",
        "package.json": '{ "name": "clean", "scripts": { "test": "vitest run" } }\n',
        "src/math.ts": "export const add = (a: number, b: number) => a + b\n",
        "src/math.test.ts": 'import { add } from "./math"\n',
        "app/models.py": "class User:\n    pass\n",
        "tests/test_models.py": "from app.models import User\n",
        "pkg/server.go": "package pkg\n",
        "pkg/server_test.go": "package pkg\n",
        "src/main/java/Parser.java": "class Parser {}\n",
        "src/test/java/ParserTest.java": "class ParserTest {}\n",
        "vitest.config.ts": "export default {}\n"
      })
    )
    const task = await runTask(client, "reviewer", null)
    expect(task.result).toEqual({
      kind: "review",
      findings: [],
      counts: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      filesReviewed: 11,
      secretsIgnored: 0,
      truncated: false
    })
  })

  it("reviews one directory only, and caps the findings it lists", async () => {
    const client = runtimeFor(await makeRepository(findingsRepository))
    const task = await runTask(client, "reviewer", { ...thresholds, path: "src", maxFindings: 1 })
    const review = task.result as Review
    expect(review.findings).toHaveLength(1)
    expect(review.findings[0]).toMatchObject({ rule: "secretlint/github", path: "src/config.ts" })
    // Only `src` is looked at, tests included: `test/parser.test.ts` is not seen, so `parser.ts` counts as untested.
    expect(review.counts).toEqual({ critical: 2, high: 0, medium: 0, low: 2, info: 0 })
    expect(review.truncated).toBe(true)
  })

  it("as a workflow step, reports a failed test run among the earlier steps' results", async () => {
    const client = runtimeFor(
      await makeRepository({ "src/math.ts": "export const one = 1\n", "src/math.test.ts": "import './math'\n" })
    )
    const step = {
      workflow: "feature: add",
      workflowTaskId: "0190a000-0000-7000-8000-000000000001",
      step: "review",
      // The same run as a resolved `{ $step }` reference and as a dependency: reported once.
      input: { feature: "add", largeFileLines: 500, tests: { kind: "test-run", passed: false, exitCode: 1 } },
      dependencies: { tests: { kind: "test-run", passed: false, exitCode: 1 } }
    }
    const task = await runTask(client, "reviewer", step)
    expect(task.status).toBe("completed")
    expect((task.result as Review).findings).toEqual([
      {
        rule: "tests-failing",
        severity: "high",
        path: null,
        line: null,
        message: "the test run of an earlier step failed (exit code 1)"
      }
    ])
    const passing = await runTask(client, "reviewer", {
      ...step,
      input: { feature: "add" },
      dependencies: { tests: { kind: "test-run", passed: true, exitCode: 0 } }
    })
    expect((passing.result as Review).findings).toEqual([])
  })

  it("refuses bad input", async () => {
    const client = runtimeFor(await makeRepository(findingsRepository))
    expect(await runTask(client, "reviewer", { largeFileBytes: 0 })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
    expect(await runTask(client, "reviewer", { path: "/etc" })).toMatchObject({
      status: "failed",
      error: { code: "INVALID_INPUT" }
    })
  })
})

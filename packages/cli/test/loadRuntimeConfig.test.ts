import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CliError } from "../src/cli/CliError.js"
import { loadRuntimeConfig, parseRuntimeConfig } from "../src/config/loadRuntimeConfig.js"
import { repositoryId } from "../src/config/stateDirectory.js"
import { removeDir, tempDir } from "./support/harness.js"

let dir: string

beforeAll(async () => {
  dir = await tempDir("config")
})

afterAll(async () => {
  await removeDir(dir)
})

const failure = (effect: Effect.Effect<unknown, CliError>) => Effect.runPromise(Effect.flip(effect))

describe("runtime.yaml", () => {
  it("applies the defaults when there is no file", async () => {
    const env = { XDG_STATE_HOME: join(dir, "state") }
    const loaded = await Effect.runPromise(loadRuntimeConfig(undefined, dir, { env }))
    expect(loaded.source).toBeUndefined()
    const dataDir = join(dir, "state", "coderclaw", repositoryId(dir))
    expect(loaded.resolved).toEqual({
      host: "127.0.0.1",
      port: 8787,
      dataDir,
      database: join(dataDir, "coderclaw.db"),
      repository: dir
    })
  })

  it("reads every key and resolves paths against the working directory", async () => {
    await writeFile(
      join(dir, "runtime.yaml"),
      [
        "host: 0.0.0.0",
        "port: 9000",
        "database: data/tasks.db",
        "repository: ../repo",
        "maxConcurrentTasks: 8",
        "allowedOrigins: [https://app.example.com, 'http://localhost:5173']",
        "path: /coderclaw",
        "llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: llama3, apiKeyEnv: LLM_KEY }",
        "inspect: { file: logs/inspect.jsonl }",
        "dataDir: state"
      ].join("\n")
    )
    const loaded = await Effect.runPromise(loadRuntimeConfig("runtime.yaml", dir))
    expect(loaded.source).toBe(join(dir, "runtime.yaml"))
    expect(loaded.resolved).toEqual({
      host: "0.0.0.0",
      port: 9000,
      dataDir: join(dir, "state"),
      database: join(dir, "data/tasks.db"),
      repository: join(dir, "../repo"),
      maxConcurrentTasks: 8,
      allowedOrigins: ["https://app.example.com", "http://localhost:5173"],
      path: "/coderclaw",
      llm: { baseUrl: "http://127.0.0.1:11434/v1", model: "llama3", apiKeyEnv: "LLM_KEY" },
      // A relative inspection log lives in the state directory.
      inspect: { file: join(dir, "state/logs/inspect.jsonl") }
    })
  })

  it("refuses unknown keys, wrong values and broken YAML as usage errors naming the field", async () => {
    const unknown = await failure(parseRuntimeConfig("prot: 80\n", "runtime.yaml"))
    expect(unknown).toBeInstanceOf(CliError)
    expect(unknown.reason).toBe("Usage")
    expect(unknown.message).toContain("prot")
    const range = await failure(parseRuntimeConfig("port: 70000\n", "runtime.yaml"))
    expect(range.message).toContain("port")
    const key = await failure(parseRuntimeConfig("llm: { baseUrl: 'ftp://x', model: m }\n", "runtime.yaml"))
    expect(key.message).toContain("llm.baseUrl")
    const origin = await failure(parseRuntimeConfig("allowedOrigins: ['https://app.example.com/x']\n", "runtime.yaml"))
    expect(origin.message).toContain("allowedOrigins.0")
    const path = await failure(parseRuntimeConfig("path: coderclaw\n", "runtime.yaml"))
    expect(path.message).toContain("path")
    const yaml = await failure(parseRuntimeConfig("port: [1\n", "runtime.yaml"))
    expect(yaml.message).toContain("not valid YAML")
    const missing = await failure(loadRuntimeConfig("nope.yaml", dir))
    expect(missing.message).toContain("--config: no such file")
    expect(missing.exitCode).toBe(2)
  })
})

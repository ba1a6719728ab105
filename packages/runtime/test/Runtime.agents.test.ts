import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Forbidden, unconditionalGrant } from "@coderclaw/protocol"
import { Effect, Layer, Stream } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import {
  AgentFailure,
  Authorizer,
  defineAgent,
  defineAsyncAgent,
  defineSkill,
  InMemoryJournal,
  RUNTIME_VERSION,
  Runtime
} from "../src/index.js"
import { alice, type Harness, startRuntime } from "./support/harness.js"

let harness: Harness | undefined
afterEach(async () => {
  await harness?.dispose()
  harness = undefined
})

const upper = defineSkill({
  id: "text.upper",
  name: "Upper-case",
  run: (input) => Effect.succeed(String(input).toUpperCase())
})
const broken = defineSkill({
  id: "text.broken",
  name: "Broken",
  run: () => Effect.fail(new Error("disk on fire"))
})

const callSkill = defineAgent({
  id: "call-skill",
  name: "Calls the skill named in its input",
  skills: ["text.upper", "text.broken", "text.missing"],
  run: (input, ctx) =>
    ctx
      .callSkill(String(input), "hello")
      .pipe(Effect.catchTag("SkillError", (error) => Effect.succeed({ refused: error.reason, detail: error.detail })))
})

describe("agents and skills", () => {
  it("calls an allowed skill and records the call", async () => {
    harness = startRuntime({ agents: [callSkill], skills: [upper, broken] })
    const task = await harness.submit({ agentId: "call-skill", description: "upper", input: "text.upper" })
    const done = await harness.settled(task.id)
    expect(done.result).toBe("HELLO")
    const logs = (await harness.events(task.id)).flatMap((e) => (e.event.type === "log" ? [e.event.message] : []))
    expect(logs).toEqual(["calling skill text.upper"])
  })

  it("a skill reports progress, outputs and logs as events of the calling task, with the scope it was given", async () => {
    const counting = defineSkill({
      id: "lines.count",
      name: "Counts lines",
      run: (input, call) =>
        Effect.gen(function* () {
          yield* call.progress(50, "half way")
          yield* call.output("chunk", "line 1\nline 2")
          yield* call.log("info", `in ${call.scope?.repository ?? "nowhere"}`)
          return String(input).split("\n").length
        })
    })
    const counter = defineAgent({
      id: "counter",
      name: "Counts through a skill",
      skills: ["lines.count"],
      run: (input, ctx) => ctx.callSkill("lines.count", input, { repository: "demo", paths: ["a.txt"] })
    })
    harness = startRuntime({ agents: [counter], skills: [counting] })
    const task = await harness.submit({ agentId: "counter", description: "count", input: "a\nb\nc" })
    expect((await harness.settled(task.id)).result).toBe(3)
    const events = (await harness.events(task.id)).map((envelope) => envelope.event)
    expect(events).toContainEqual({ type: "progress", percent: 50, message: "half way" })
    expect(events).toContainEqual({ type: "output", name: "chunk", value: "line 1\nline 2" })
    expect(events).toContainEqual({ type: "log", level: "info", message: "in demo" })
  })

  it("refuses skills the agent does not list, unknown skills and failing ones with typed reasons", async () => {
    const outsider = defineAgent({
      id: "outsider",
      name: "Lists no skills",
      run: (input, ctx) =>
        ctx.callSkill(String(input), null).pipe(Effect.catchTag("SkillError", (e) => Effect.succeed(e.reason)))
    })
    harness = startRuntime({ agents: [callSkill, outsider], skills: [upper, broken] })
    const h = harness
    const run = async (agentId: string, skillId: string) =>
      (await h.settled((await h.submit({ agentId, description: "skill", input: skillId })).id)).result
    expect(await run("outsider", "text.upper")).toBe("NotAllowed")
    expect(await run("call-skill", "text.missing")).toMatchObject({ refused: "Unknown" })
    expect(await run("call-skill", "text.broken")).toEqual({ refused: "Failed", detail: "disk on fire" })
  })

  it("asks the authorizer before a skill runs", async () => {
    const skillDenied = Layer.succeed(
      Authorizer,
      Authorizer.of({
        authorize: ({ action, resource }) =>
          action === "skill:execute"
            ? Effect.fail(new Forbidden({ action, resource, reasons: ["policy:no-skills"] }))
            : Effect.succeed(unconditionalGrant),
        visibleSessions: (principal) => Effect.succeed([principal.sessionId])
      })
    )
    const layer = Runtime.layer({ agents: [callSkill], skills: [upper] }).pipe(
      Layer.provide(Layer.merge(InMemoryJournal.layer, skillDenied))
    )
    const result = await Effect.runPromise(
      Effect.gen(function* () {
        const runtime = yield* Runtime
        const task = yield* runtime.submit(alice, { agentId: "call-skill", description: "denied", input: "text.upper" })
        yield* Stream.runDrain(runtime.subscribe(alice, task.id))
        return (yield* runtime.get(alice, task.id)).result
      }).pipe(Effect.provide(layer))
    )
    expect(result).toEqual({ refused: "Forbidden", detail: "policy:no-skills" })
  })

  it("fails at once on a non-retryable AgentFailure, with its code", async () => {
    let calls = 0
    const fatal = defineAgent({
      id: "fatal",
      name: "fatal",
      run: () => {
        calls++
        return Effect.fail(new AgentFailure({ code: "BAD_REPO", message: "not a git repository", retryable: false }))
      }
    })
    harness = startRuntime({ agents: [fatal] })
    const task = await harness.submit({ agentId: "fatal", description: "no retry", maxAttempts: 5 })
    const done = await harness.settled(task.id)
    expect(done.status).toBe("failed")
    expect(done.error).toEqual({ code: "BAD_REPO", message: "not a git repository" })
    expect(calls).toBe(1)
  })

  it("runs async agents with an AbortSignal and maps thrown errors to AGENT_ERROR", async () => {
    const thrower = defineAsyncAgent({
      id: "thrower",
      name: "throws",
      run: async (_input, ctx) => {
        await ctx.progress(10)
        expect(ctx.signal.aborted).toBe(false)
        throw new Error("no network here")
      }
    })
    harness = startRuntime({ agents: [thrower] })
    const task = await harness.submit({ agentId: "thrower", description: "throws", maxAttempts: 1 })
    const done = await harness.settled(task.id)
    expect(done.error).toEqual({ code: "AGENT_ERROR", message: "no network here" })
  })

  it("passes an inspection observer to every task actor", async () => {
    const actors = new Set<string>()
    const echo = defineAgent({ id: "echo", name: "echo", run: (input) => Effect.succeed(input) })
    harness = startRuntime({
      agents: [echo],
      inspect: (event) => {
        if (event.type === "@xstate.actor") actors.add(event.actorRef.sessionId)
      }
    })
    const ids = []
    for (let i = 0; i < 5; i++) ids.push((await harness.submit({ agentId: "echo", description: "e", input: i })).id)
    for (const id of ids) await harness.settled(id)
    expect(actors.size).toBe(5)
  })

  it("reports its package version", () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8"))
    expect(RUNTIME_VERSION).toBe(manifest.version)
  })
})

import { describe, expect, it } from "vitest"
import {
  AgentOrchestrator,
  AgentOrchestratorError,
  createFeatureWorkflow,
  globalOrchestrator,
  UnknownDependency
} from "../src/index.js"
import { makeTestAgents, startRuntimePerTest, until } from "./support/harness.js"

const startRuntime = startRuntimePerTest()

const featureRoles = ["architecture-advisor", "code-creator", "test-generator", "code-reviewer"]

describe("globalOrchestrator (the original orchestrator object)", () => {
  it("createWorkflow(steps), executeWorkflow(id, client), getWorkflowStatus and getAllWorkflows", async () => {
    const test = makeTestAgents(featureRoles)
    const runtime = startRuntime(test.agents)
    const workflow = globalOrchestrator.createWorkflow(createFeatureWorkflow("dark mode"))
    expect(workflow.status).toBe("pending")
    expect(
      [...workflow.tasks.values()].map((task) => [task.id, task.agentRole, task.status, task.dependencies])
    ).toEqual([
      ["step-1", "architecture-advisor", "pending", []],
      ["step-2", "code-creator", "pending", ["step-1"]],
      ["step-3", "test-generator", "pending", ["step-2"]],
      ["step-4", "code-reviewer", "pending", ["step-3"]]
    ])
    expect(globalOrchestrator.getAllWorkflows()).toContain(workflow)

    const results = await globalOrchestrator.executeWorkflow(workflow.id, runtime.client)
    expect(test.starts).toEqual(["step-1", "step-2", "step-3", "step-4"])
    expect([...results.keys()]).toEqual(["step-1", "step-2", "step-3", "step-4"])
    // Each step got its dependency's real result.
    expect(results.get("step-2")).toMatchObject({
      by: "code-creator",
      dependencies: { "step-1": results.get("step-1") }
    })

    const ended = globalOrchestrator.getWorkflowStatus(workflow.id)
    expect(ended?.status).toBe("completed")
    expect(ended?.taskId).toBeDefined()
    expect([...(ended?.tasks.values() ?? [])].map((task) => task.status)).toEqual([
      "completed",
      "completed",
      "completed",
      "completed"
    ])
    expect(ended?.tasks.get("step-4")?.output).toEqual(results.get("step-4"))
    // The workflow is a real runtime task.
    expect((await runtime.client.get(ended?.taskId ?? "")).status).toBe("completed")
    expect(globalOrchestrator.getWorkflowStatus("no-such-workflow")).toBeNull()
  })

  it("a failed step fails the workflow and skips its dependents", async () => {
    const test = makeTestAgents(featureRoles, { "step-2": { fail: true } })
    const runtime = startRuntime(test.agents)
    const orchestrator = new AgentOrchestrator()
    const workflow = orchestrator.createWorkflow(createFeatureWorkflow("search"))
    const results = await orchestrator.executeWorkflow(workflow.id, runtime.client)
    expect([...results.keys()]).toEqual(["step-1"])
    const ended = orchestrator.getWorkflowStatus(workflow.id)
    expect(ended?.status).toBe("failed")
    expect([...(ended?.tasks.values() ?? [])].map((task) => task.status)).toEqual([
      "completed",
      "failed",
      "skipped",
      "skipped"
    ])
    expect(ended?.tasks.get("step-2")?.error).toBe("step step-2 broke")
    expect(test.starts).toEqual(["step-1", "step-2"])
  })

  it("cancelWorkflow stops a running workflow's steps; executeWorkflow then resolves cancelled", async () => {
    const test = makeTestAgents(featureRoles, { "step-1": { delayMs: 60_000 } })
    const runtime = startRuntime(test.agents)
    const orchestrator = new AgentOrchestrator()
    const workflow = orchestrator.createWorkflow(createFeatureWorkflow("export"))
    const execution = orchestrator.executeWorkflow(workflow.id, runtime.client)
    await until(() => test.starts.includes("step-1"))
    expect(orchestrator.getWorkflowStatus(workflow.id)?.status).toBe("running")
    expect(await orchestrator.cancelWorkflow(workflow.id)).toBe(true)
    expect(await execution).toEqual(new Map())
    const ended = orchestrator.getWorkflowStatus(workflow.id)
    expect(ended?.status).toBe("cancelled")
    expect((await runtime.client.get(ended?.tasks.get("step-1")?.taskId ?? "")).status).toBe("cancelled")
    expect(test.ends).toEqual([])
    // Ended: nothing left to cancel.
    expect(await orchestrator.cancelWorkflow(workflow.id)).toBe(false)
  })

  it("a workflow cancelled before it runs never starts; unknown and re-run workflows are refused", async () => {
    const test = makeTestAgents(featureRoles)
    const runtime = startRuntime(test.agents)
    const orchestrator = new AgentOrchestrator()
    const workflow = orchestrator.createWorkflow(createFeatureWorkflow("login"))
    expect(await orchestrator.cancelWorkflow(workflow.id)).toBe(true)
    await expect(orchestrator.executeWorkflow(workflow.id, runtime.client)).rejects.toMatchObject({
      _tag: "AgentOrchestratorError",
      reason: "cancelled"
    })
    expect(test.starts).toEqual([])
    expect(await orchestrator.cancelWorkflow("no-such-workflow")).toBe(false)
    const unknown = await orchestrator.executeWorkflow("no-such-workflow", runtime.client).catch((error) => error)
    expect(unknown).toBeInstanceOf(AgentOrchestratorError)
    expect(unknown).toMatchObject({ reason: "unknown-workflow", message: "Workflow no-such-workflow not found" })

    const ran = orchestrator.createWorkflow(createFeatureWorkflow("logout"))
    await orchestrator.executeWorkflow(ran.id, runtime.client)
    await expect(orchestrator.executeWorkflow(ran.id, runtime.client)).rejects.toMatchObject({
      reason: "already-executed"
    })
  })

  it("a refused submission rejects with the runtime's typed error and leaves the workflow failed", async () => {
    const runtime = startRuntime(makeTestAgents(["coder"]).agents)
    const orchestrator = new AgentOrchestrator()
    const workflow = orchestrator.createWorkflow([{ role: "no-such-agent", task: "Build it" }])
    await expect(orchestrator.executeWorkflow(workflow.id, runtime.client)).rejects.toMatchObject({
      _tag: "AgentNotFound"
    })
    expect(orchestrator.getWorkflowStatus(workflow.id)?.status).toBe("failed")
  })

  it("createWorkflow throws UnknownDependency for a dependency that names no step", () => {
    expect(() =>
      globalOrchestrator.createWorkflow([{ role: "coder", task: "Build it", dependsOn: ["Design it"] }])
    ).toThrow(UnknownDependency)
  })
})

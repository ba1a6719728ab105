import type { RequestIssue } from "./RuntimeError.js"
import type { WorkflowDefinition } from "./WorkflowDefinition.js"

/**
 * The structural problems of a workflow that its schema cannot see: duplicate step ids, dependencies on
 * steps that do not exist, and dependency cycles. Each issue names the steps involved; an empty list means
 * the steps form a DAG. Run before anything is started, so a bad workflow never half-runs.
 */
export const validateWorkflow = (definition: WorkflowDefinition): ReadonlyArray<RequestIssue> => {
  const issues: Array<RequestIssue> = []
  const seen = new Map<string, number>()
  definition.steps.forEach((step, index) => {
    const first = seen.get(step.id)
    if (first !== undefined) {
      issues.push({ path: ["steps", index, "id"], message: `duplicate step id '${step.id}' (also step ${first})` })
    } else {
      seen.set(step.id, index)
    }
  })
  definition.steps.forEach((step, index) => {
    ;(step.dependsOn ?? []).forEach((dependency, position) => {
      if (!seen.has(dependency)) {
        issues.push({
          path: ["steps", index, "dependsOn", position],
          message: `step '${step.id}' depends on unknown step '${dependency}'`
        })
      } else if (dependency === step.id) {
        issues.push({ path: ["steps", index, "dependsOn", position], message: `step '${step.id}' depends on itself` })
      }
    })
  })
  if (issues.length > 0) return issues
  const cycle = findCycle(definition)
  if (cycle !== undefined) {
    issues.push({ path: ["steps"], message: `dependency cycle: ${cycle.join(" → ")}` })
  }
  return issues
}

/** One dependency cycle as a path of step ids that starts and ends with the same step, if any. */
const findCycle = (definition: WorkflowDefinition): ReadonlyArray<string> | undefined => {
  const dependsOn = new Map(definition.steps.map((step) => [step.id, step.dependsOn ?? []]))
  const state = new Map<string, "visiting" | "done">()
  const path: Array<string> = []
  const visit = (id: string): ReadonlyArray<string> | undefined => {
    if (state.get(id) === "done") return undefined
    if (state.get(id) === "visiting") return [...path.slice(path.indexOf(id)), id]
    state.set(id, "visiting")
    path.push(id)
    for (const dependency of dependsOn.get(id) ?? []) {
      const found = visit(dependency)
      if (found !== undefined) return found
    }
    path.pop()
    state.set(id, "done")
    return undefined
  }
  for (const step of definition.steps) {
    const found = visit(step.id)
    if (found !== undefined) return found
  }
  return undefined
}

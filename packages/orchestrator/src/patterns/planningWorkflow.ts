import type { WorkflowDefinition } from "@coderclaw/protocol"
import { pattern } from "../internal/pattern.js"
import type { PatternOptions } from "./PatternOptions.js"

/** The roles of the planning pattern. */
export type PlanningRole = "analyst" | "architect" | "planner"

/** Planning: `requirements` → `architecture` → `tasks` (an ordered task breakdown). */
export const planningWorkflow = (goal: string, options: PatternOptions<PlanningRole> = {}): WorkflowDefinition =>
  pattern(
    `planning: ${goal}`,
    [
      { id: "requirements", role: "analyst", description: `Write the requirements for: ${goal}`, input: { goal } },
      {
        id: "architecture",
        role: "architect",
        description: `Specify the architecture for: ${goal}`,
        input: { goal, requirements: { $step: "requirements" } },
        dependsOn: ["requirements"]
      },
      {
        id: "tasks",
        role: "planner",
        description: `Break down into ordered tasks: ${goal}`,
        input: { goal, requirements: { $step: "requirements" }, architecture: { $step: "architecture" } },
        dependsOn: ["architecture"]
      }
    ],
    options
  )

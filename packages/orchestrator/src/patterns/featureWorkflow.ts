import type { WorkflowDefinition } from "@coderclaw/protocol"
import { pattern } from "../internal/pattern.js"
import type { PatternOptions } from "./PatternOptions.js"

/** The roles of the feature pattern. */
export type FeatureRole = "architect" | "coder" | "tester" | "reviewer"

/**
 * Delivering a feature: `architecture` → `code` → `tests` → `review`. Each step gets the feature and the
 * real results of the steps before it; the review sees the architecture, the code and the tests.
 */
export const featureWorkflow = (feature: string, options: PatternOptions<FeatureRole> = {}): WorkflowDefinition =>
  pattern(
    `feature: ${feature}`,
    [
      {
        id: "architecture",
        role: "architect",
        description: `Design the architecture for: ${feature}`,
        input: { feature }
      },
      {
        id: "code",
        role: "coder",
        description: `Implement: ${feature}`,
        input: { feature, architecture: { $step: "architecture" } },
        dependsOn: ["architecture"]
      },
      {
        id: "tests",
        role: "tester",
        description: `Write tests for: ${feature}`,
        input: { feature, code: { $step: "code" } },
        dependsOn: ["code"]
      },
      {
        id: "review",
        role: "reviewer",
        description: `Review the implementation of: ${feature}`,
        input: { feature, architecture: { $step: "architecture" }, code: { $step: "code" }, tests: { $step: "tests" } },
        dependsOn: ["tests"]
      }
    ],
    options
  )

import type { WorkflowDefinition } from "@coderclaw/protocol"
import { pattern } from "../internal/pattern.js"
import type { PatternOptions } from "./PatternOptions.js"

/** The roles of the adversarial-review pattern. */
export type AdversarialReviewRole = "proposer" | "critic" | "synthesizer"

/** Adversarial review: `proposal` → `critique` (gaps, errors, blind spots) → `synthesis` (the revised proposal). */
export const adversarialReviewWorkflow = (
  subject: string,
  options: PatternOptions<AdversarialReviewRole> = {}
): WorkflowDefinition =>
  pattern(
    `adversarial-review: ${subject}`,
    [
      { id: "proposal", role: "proposer", description: `Propose: ${subject}`, input: { subject } },
      {
        id: "critique",
        role: "critic",
        description: `Critique the proposal for: ${subject}`,
        input: { subject, proposal: { $step: "proposal" } },
        dependsOn: ["proposal"]
      },
      {
        id: "synthesis",
        role: "synthesizer",
        description: `Revise the proposal for: ${subject}`,
        input: { subject, proposal: { $step: "proposal" }, critique: { $step: "critique" } },
        dependsOn: ["critique"]
      }
    ],
    options
  )

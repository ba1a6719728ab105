import type { WorkflowDefinition } from "@coderclaw/protocol"
import { pattern } from "../internal/pattern.js"
import type { PatternOptions } from "./PatternOptions.js"

/** The roles of the security-audit pattern. */
export type SecurityAuditRole = "threat-modeler" | "scanner" | "coder" | "reviewer"

/** A security audit: `threat-model` → `scan` → `remediation` → `review` (verification and sign-off). */
export const securityAuditWorkflow = (
  target: string,
  options: PatternOptions<SecurityAuditRole> = {}
): WorkflowDefinition =>
  pattern(
    `security-audit: ${target}`,
    [
      {
        id: "threat-model",
        role: "threat-modeler",
        description: `Model the threats to: ${target}`,
        input: { target }
      },
      {
        id: "scan",
        role: "scanner",
        description: `Scan for vulnerabilities: ${target}`,
        input: { target, threats: { $step: "threat-model" } },
        dependsOn: ["threat-model"]
      },
      {
        id: "remediation",
        role: "coder",
        description: `Remediate the findings in: ${target}`,
        input: { target, findings: { $step: "scan" } },
        dependsOn: ["scan"]
      },
      {
        id: "review",
        role: "reviewer",
        description: `Verify the remediation of: ${target}`,
        input: { target, findings: { $step: "scan" }, remediation: { $step: "remediation" } },
        dependsOn: ["remediation"]
      }
    ],
    options
  )

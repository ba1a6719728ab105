import { adversarialReviewWorkflow } from "./adversarialReviewWorkflow.js"
import { bugfixWorkflow } from "./bugfixWorkflow.js"
import { featureWorkflow } from "./featureWorkflow.js"
import { planningWorkflow } from "./planningWorkflow.js"
import { refactorWorkflow } from "./refactorWorkflow.js"
import { securityAuditWorkflow } from "./securityAuditWorkflow.js"

/** Every built-in pattern by name, e.g. to offer them in a CLI: `patterns["security-audit"]("the API")`. */
export const patterns = {
  feature: featureWorkflow,
  bugfix: bugfixWorkflow,
  refactor: refactorWorkflow,
  planning: planningWorkflow,
  "adversarial-review": adversarialReviewWorkflow,
  "security-audit": securityAuditWorkflow
} as const

/** The name of a built-in pattern. */
export type PatternName = keyof typeof patterns

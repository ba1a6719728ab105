import type { AuthorizationRequest } from "@coderclaw/protocol"
import type { ApprovalRules } from "../policies/PolicyConfig.js"

/** Why an approval was refused for separation of duties (the reason recorded in the audit log). */
export const selfApprovalReason = "separation-of-duties:self-approval"

/**
 * Separation of duties: an approval of a dangerous call must come from a principal other than the task's
 * owner and other than the principal whose call asked for it. Without it a developer approves their own
 * command, which runs with the server's OS rights. Only approvals are checked (`approvalRequestedBy` set):
 * refusing one's own call merely stops work and stays allowed. Returns the reasons to deny, or `undefined`.
 */
export const checkSeparationOfDuties = (
  request: AuthorizationRequest,
  rules: Required<ApprovalRules>
): ReadonlyArray<string> | undefined => {
  const context = request.context
  if (request.action !== "task:approve" || context?.approvalRequestedBy === undefined) return undefined
  if (rules.selfApproval === "allow") return undefined
  const approver = request.principal.id
  return approver === context.approvalRequestedBy || approver === context.taskOwner ? [selfApprovalReason] : undefined
}

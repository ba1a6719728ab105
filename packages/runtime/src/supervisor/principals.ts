import { type PrincipalId, systemPrincipalId } from "@coderclaw/protocol"

/** Who the supervisor's own steps are journalled as caused by. */
export const principals = {
  scheduler: systemPrincipalId("scheduler"),
  recovery: systemPrincipalId("recovery"),
  deadline: systemPrincipalId("deadline")
} as const

/** The principal an agent's own steps (progress, outputs, its attempt's end) are journalled as. */
export const agentPrincipal = (agentId: string): PrincipalId => `agent:${agentId}`

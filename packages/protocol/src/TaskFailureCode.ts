import { Schema } from "effect"

/**
 * The codes a failed task (or a failed attempt, or a workflow step) carries in `error.code` when the runtime,
 * the built-in agents or the orchestrator decided the failure. Agents may use codes of their own; these are
 * the ones this project emits, each with where it comes from and what it means.
 */
export const taskFailureCodes = {
  AGENT_ERROR: {
    source: "runtime",
    meaning:
      "The agent failed with an untyped error (an exception); `message` is its text. Retried while attempts remain."
  },
  AGENT_UNAVAILABLE: {
    source: "runtime",
    meaning: "The task's agent is no longer registered (e.g. after a restart without it). Not retried."
  },
  TIMEOUT: {
    source: "runtime",
    meaning: "The task passed its `deadline` (`timeoutMs`) or stayed `waiting` longer than `waitingTimeoutMs`."
  },
  INTERRUPTED: {
    source: "runtime",
    meaning:
      "The runtime stopped while an attempt ran: recorded as a failed attempt before the task resumes, or as the failure when no attempt remains."
  },
  LEASE_LOST: {
    source: "runtime",
    meaning:
      "The worker running an attempt stopped renewing its lease (it died or lost the network): recorded as a failed attempt with one more attempt allowed, and the task runs again as attempt + 1 from its last checkpoint."
  },
  APPROVAL_DENIED: {
    source: "task-machine",
    meaning:
      "A person refused the approval a dangerous skill call waited for (`task.resolveApproval` with `approved: false`); `message` is their reason."
  },
  INVALID_INPUT: {
    source: "agents",
    meaning: "A built-in agent refused its input (wrong shape, a refused path). Not retried."
  },
  INVALID_ANSWER: {
    source: "agents",
    meaning: "The `confirm` agent got no yes-or-no answer after three questions. Not retried."
  },
  SKILL_FAILED: {
    source: "agents",
    meaning: "A skill the agent called ran and failed (e.g. the command could not start). Not retried."
  },
  SKILL_REFUSED: {
    source: "agents",
    meaning:
      "The runtime refused a skill call: not allowed by policy, not declared by the agent, or not approved. Not retried."
  },
  UNEXPECTED_SKILL_RESULT: {
    source: "agents",
    meaning: "A skill answered with a result the agent could not read. Not retried."
  },
  NO_TEST_COMMAND: {
    source: "agents",
    meaning:
      "The `test-runner` agent found no test command: none given and none detected in the repository. Not retried."
  },
  TESTS_FAILED: {
    source: "agents",
    meaning:
      "The `test-runner` agent ran the tests and they failed (non-zero exit); the output is in the task's outputs."
  },
  LLM_NOT_CONFIGURED: {
    source: "agents",
    meaning:
      "The LLM agent was called but no model endpoint is configured (`CODERCLAW_LLM_BASE_URL`, `CODERCLAW_LLM_MODEL`). Not retried."
  },
  INVALID_WORKFLOW: {
    source: "orchestrator",
    meaning: "A workflow task's definition is invalid (unknown step, cycle, unknown agent). Not retried."
  },
  STEP_NOT_STARTED: {
    source: "orchestrator",
    meaning: "A workflow could not start one of its steps' child tasks (e.g. the step's agent is unknown)."
  },
  WORKFLOW_FAILED: {
    source: "orchestrator",
    meaning:
      "A workflow ended with failed or cancelled steps; `message` names them, the workflow's output has every step's outcome."
  },
  INPUT_UNRESOLVED: {
    source: "orchestrator",
    meaning:
      "In a workflow's step outcome: the step's input refers to a result that does not exist, so the step never ran."
  },
  FAILED: {
    source: "orchestrator",
    meaning: "In a workflow's step outcome: the step's task failed without an error of its own."
  }
} as const satisfies Record<string, { readonly source: string; readonly meaning: string }>

/** A task failure code this project emits. */
export type KnownTaskFailureCode = keyof typeof taskFailureCodes

/**
 * Schema of the known task failure codes. `TaskFailure.code` accepts any UPPER_SNAKE_CASE code (agents may
 * define their own); a client that wants to branch exhaustively on the project's codes decodes with this.
 */
export const KnownTaskFailureCode = Schema.Literals(
  Object.keys(taskFailureCodes) as [KnownTaskFailureCode, ...Array<KnownTaskFailureCode>]
).annotate({
  title: "KnownTaskFailureCode",
  description: "The task failure codes the runtime, the built-in agents and the orchestrator emit."
})

import type { TaskEvent } from "@coderclaw/protocol"

/** One line describing an event, for the terminal. */
export const formatEvent = (event: TaskEvent): string => {
  switch (event.type) {
    case "created":
      return `created on ${event.agentId}: ${event.description}`
    case "status_changed": {
      const why =
        event.waitingFor !== undefined
          ? ` (for ${event.waitingFor})`
          : event.error !== undefined
            ? ` (${event.error.code}: ${event.error.message})`
            : event.reason !== undefined
              ? ` (${event.reason})`
              : event.result !== undefined
                ? ` → ${JSON.stringify(event.result)}`
                : ""
      return `${event.from} → ${event.to}${why}`
    }
    case "progress":
      return `progress ${event.percent.toFixed(0).padStart(3)}%${event.message === undefined ? "" : ` ${event.message}`}`
    case "output":
      return `output ${event.name} = ${JSON.stringify(event.value)}`
    case "artifact":
      return `artifact ${event.name} at ${event.uri}`
    case "log":
      return `log [${event.level}] ${event.message}`
    case "input_requested":
      return `asks: ${event.prompt}`
    case "input_provided":
      return `answered: ${JSON.stringify(event.input)}`
    case "child_spawned":
      return `spawned child ${event.childId} on ${event.agentId}`
    case "attempt_failed":
      return `attempt ${event.attempt}/${event.maxAttempts} failed (${event.error.code}: ${event.error.message}), retry in ${event.retryInMs} ms`
    case "approval_requested":
      return `needs approval for ${event.skillId}: ${event.summary}`
    case "approval_resolved":
      return event.approved ? "approved" : `denied${event.reason === undefined ? "" : `: ${event.reason}`}`
  }
}

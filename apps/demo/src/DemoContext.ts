import type { CoderclawServer } from "@coderclaw/cli"
import type { DemoUser } from "./config/demoUsers.js"
import type { Denial, TaskOutcome } from "./DemoReport.js"
import type { Narrator } from "./narrate/Narrator.js"

/** What every step works with: the narrator, the running server, the people, and the report being filled. */
export interface DemoContext {
  readonly narrator: Narrator
  readonly server: CoderclawServer
  readonly users: {
    readonly admin: DemoUser
    readonly alice: DemoUser
    readonly reader: DemoUser
    readonly ciBot: DemoUser
  }
  /** The repository the agents work on, absolute. */
  readonly repository: string
  /** Its name in skill scopes (the base name of its directory). */
  readonly repositoryName: string
  /** The repository-relative directory the scanner and reviewer look at. */
  readonly scanPath: string
  /** Adds a task to the summary. */
  readonly recordTask: (outcome: TaskOutcome) => void
  /** Adds a refused action to the summary. */
  readonly recordDenial: (denial: Denial) => void
}

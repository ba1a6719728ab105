/**
 * `@coderclaw/demo`: the coderClaw mesh end to end, as an app and as the repository's integration test.
 *
 * @packageDocumentation
 */

/** The demo's own agent, which asks its caller a question before it works. */
export { fileCounter, fileCounterId } from "./agents/fileCounter.js"
/** The demo's security configuration: local accounts, trusted devices for commands, approvals. */
export { demoSecurityConfig } from "./config/demoSecurityConfig.js"
/** Why the demo stopped: the step, and what went wrong there. */
export { DemoError } from "./DemoError.js"
/** How to run the demo: the repository, the inspector, where the narrative goes. */
export type { DemoOptions } from "./DemoOptions.js"
/** What the demo did: every task's final state and result, the refusals, the audit verdict, the wall time. */
export type { DemoReport, Denial, TaskOutcome } from "./DemoReport.js"
/** Where the repository is: the nearest directory above `from` holding `pnpm-workspace.yaml`. */
export { findRepositoryRoot } from "./findRepositoryRoot.js"
/** The demo as one Effect: starts the mesh, runs every step, resolves with what it found. */
export { runDemo } from "./runDemo.js"

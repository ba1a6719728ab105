/**
 * `@coderclaw/transport-conformance` (private): the one test suite every `RuntimeClient` transport passes,
 * so a caller cannot tell a local runtime from a remote one.
 *
 * @packageDocumentation
 */

export { conformanceAgents, conformanceSkills } from "./fixtures/agents.js"
export { admin, alice, bob } from "./fixtures/principals.js"
/** Helpers for tests that follow tasks through any `RuntimeClient`. */
export { collect, reached, readUntil, settle, shape } from "./support/streams.js"
export type { StartedTransport, TransportUnderTest } from "./support/TransportUnderTest.js"
export { transportConformance } from "./transportConformance.js"

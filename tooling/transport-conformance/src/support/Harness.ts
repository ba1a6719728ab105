import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Principal, RuntimeClient } from "@coderclaw/protocol"
import type { RuntimeOptions } from "@coderclaw/runtime"
import { afterAll, afterEach, beforeAll } from "vitest"
import { conformanceAgents, conformanceSkills } from "../fixtures/agents.js"
import type { StartedTransport, TransportUnderTest } from "./TransportUnderTest.js"

/** What every suite file gets: runtimes that are closed after each test, and scratch files. */
export interface Harness {
  /**
   * Starts a runtime behind the transport with the suite's agents and skills, fast retries and a short
   * shutdown grace, overridden by `options`. Its clients and the runtime are closed after the test.
   */
  start(options?: Partial<RuntimeOptions>): Promise<StartedTransport>
  /** A path in this suite run's temporary directory that no other test uses. */
  scratchPath(name: string): string
}

/** The node id every runtime of the suite reports, so `status()` can be checked against it. */
export const conformanceNodeId = "conformance-node"

/** Registers the hooks behind a `Harness` in the enclosing `describe`. */
export const makeHarness = (subject: TransportUnderTest): Harness => {
  const openRuntimes: Array<StartedTransport> = []
  const openClients: Array<RuntimeClient> = []
  let directory: string | undefined
  let files = 0

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "coderclaw-transport-"))
  })
  afterAll(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true })
  })
  afterEach(async () => {
    // Clients first: for a remote transport they hold connections to the runtime being closed.
    const clients = openClients.splice(0)
    await Promise.allSettled(clients.map((client) => client.close()))
    const runtimes = openRuntimes.splice(0)
    await Promise.all(runtimes.map((runtime) => runtime.close()))
  })

  return {
    start: async (options = {}) => {
      const started = await subject.start({
        agents: conformanceAgents,
        skills: conformanceSkills,
        nodeId: conformanceNodeId,
        retry: { initialDelayMs: 1, factor: 1, maxDelayMs: 1 },
        // Tests leave blocked agents behind; closing must not wait the default five seconds for them.
        shutdownGraceMs: 20,
        ...options
      })
      // Closing twice (a test, then the hook) must not depend on the transport's close being idempotent.
      let closing: Promise<void> | undefined
      const runtime: StartedTransport = {
        client: (principal: Principal) => {
          const client = started.client(principal)
          openClients.push(client)
          return client
        },
        close: () => {
          closing ??= started.close()
          return closing
        }
      }
      openRuntimes.push(runtime)
      return runtime
    },
    scratchPath: (name) => {
      if (directory === undefined) throw new Error("scratchPath is only available inside a test")
      return join(directory, `${++files}-${name}`)
    }
  }
}

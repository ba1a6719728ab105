import { generateDeviceKey } from "@coderclaw/security"
import { Effect } from "effect"
import { trustedTestsPolicyId } from "../config/demoSecurityConfig.js"
import type { DemoContext } from "../DemoContext.js"
import type { DemoError } from "../DemoError.js"
import { ensure, expectForbidden } from "../mesh/clientCall.js"
import { connect, passwordOf } from "../mesh/connect.js"

const step = "denied actions"

const runTests = { agentId: "test-runner", description: "Run the tests", input: { command: ["true"] } } as const

/**
 * Step 6: what the mesh refuses, and why. The reader's role grants no `task:submit`; alice on a second,
 * unpaired laptop is only `verified`, and ci-bot without a device `untrusted`, while the policy wants a
 * trusted device for `test-runner`. Each refusal is `Forbidden` with the reasons (the deciding policies).
 */
export const deniedActions = (context: DemoContext): Effect.Effect<void, DemoError> =>
  Effect.scoped(
    Effect.gen(function* () {
      const { narrator, server, users } = context
      yield* narrator.section("Denied actions: role and device-trust policies at work")

      const reader = yield* connect(step, {
        url: server.url,
        credentials: passwordOf(users.reader.username, users.reader.password)
      })
      const readerRefusal = yield* expectForbidden(step, "reader submitting repo-scanner", () =>
        reader.client.submit({ agentId: "repo-scanner", description: "Scan", input: { path: context.scanPath } })
      )
      yield* narrator.line(
        `DENIED reader (readonly) submits repo-scanner: ${readerRefusal.error} (${readerRefusal.reasons.join(", ")})`
      )
      context.recordDenial({ who: reader.principal.id, action: "submit repo-scanner", ...readerRefusal })

      const spare = generateDeviceKey()
      const unpaired = yield* connect(step, {
        url: server.url,
        credentials: passwordOf(users.alice.username, users.alice.password),
        device: spare
      })
      yield* ensure(
        step,
        unpaired.principal.trust === "verified",
        () => `an unpaired device should be verified, was ${unpaired.principal.trust}`
      )
      const unpairedRefusal = yield* expectForbidden(step, "alice submitting test-runner from an unpaired device", () =>
        unpaired.client.submit(runTests)
      )
      yield* ensure(
        step,
        unpairedRefusal.reasons.some((reason) => reason.startsWith(trustedTestsPolicyId)),
        () => `the refusal should name ${trustedTestsPolicyId}, named ${unpairedRefusal.reasons.join(", ")}`
      )
      yield* narrator.line(
        `DENIED alice on an unpaired device (trust ${unpaired.principal.trust}) submits test-runner: ${unpairedRefusal.error} (${unpairedRefusal.reasons.join(", ")})`
      )
      context.recordDenial({
        who: `${unpaired.principal.id} (unpaired device)`,
        action: "submit test-runner",
        ...unpairedRefusal
      })

      const ciBot = yield* connect(step, {
        url: server.url,
        credentials: passwordOf(users.ciBot.username, users.ciBot.password)
      })
      const ciRefusal = yield* expectForbidden(step, "ci-bot submitting test-runner without a device", () =>
        ciBot.client.submit(runTests)
      )
      yield* narrator.line(
        `DENIED ci-bot (ci, trust ${ciBot.principal.trust}) submits test-runner: ${ciRefusal.error} (${ciRefusal.reasons.join(", ")})`
      )
      context.recordDenial({ who: ciBot.principal.id, action: "submit test-runner", ...ciRefusal })
    })
  )

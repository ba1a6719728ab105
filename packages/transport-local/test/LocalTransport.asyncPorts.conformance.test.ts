import { Authorizer, permissiveGrant } from "@coderclaw/runtime"
import { transportConformance } from "@coderclaw/transport-conformance"
import { Effect, Layer } from "effect"
import { createLocalRuntime } from "../src/index.js"

/**
 * The permissive authorizer's rules, answered asynchronously, as a real authorizer (policies, a session
 * store) answers: every decision crosses a timer, so other work on the same task interleaves with the call.
 */
const asynchronousPermissive = Layer.succeed(
  Authorizer,
  Authorizer.of({
    authorize: (request) => Effect.sleep(0).pipe(Effect.as(permissiveGrant(request))),
    visibleSessions: (principal) =>
      Effect.sleep(0).pipe(Effect.as(principal.roles.includes("admin") ? undefined : [principal.sessionId]))
  })
)

transportConformance({
  name: "local, asynchronous authorizer",
  start: async (options) => {
    const runtime = createLocalRuntime({ ...options, authorizer: asynchronousPermissive })
    await runtime.ready()
    return runtime
  }
})

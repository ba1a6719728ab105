import { describe } from "vitest"
import { admissionTests } from "./suites/admission.js"
import { approvalTests } from "./suites/approval.js"
import { availabilityTests } from "./suites/availability.js"
import { cancellationTests } from "./suites/cancellation.js"
import { cancelRaceTests } from "./suites/cancelRace.js"
import { childrenTests } from "./suites/children.js"
import { deadlineTests } from "./suites/deadlines.js"
import { discoveryTests } from "./suites/discovery.js"
import { inputTests } from "./suites/input.js"
import { listingTests } from "./suites/listing.js"
import { retryTests } from "./suites/retries.js"
import { signalTests } from "./suites/signals.js"
import { submitTests } from "./suites/submit.js"
import { subscribeTests } from "./suites/subscribe.js"
import { subscribeAllTests } from "./suites/subscribeAll.js"
import { validationTests } from "./suites/validation.js"
import { visibilityTests } from "./suites/visibility.js"
import { makeHarness } from "./support/Harness.js"
import type { TransportUnderTest } from "./support/TransportUnderTest.js"

/**
 * Registers (with vitest) every `RuntimeClient` behaviour as tests against one transport. Call it at the
 * top level of a test file of each transport package, so a caller cannot tell the transports apart:
 *
 * ```ts
 * transportConformance({ name: "local", start: async (options) => createLocalRuntime(options) })
 * ```
 *
 * Every test starts its own runtime through `subject.start` and talks to it only through the clients the
 * transport hands out; errors are checked by their `_tag`, never by message text.
 */
export const transportConformance = (subject: TransportUnderTest): void => {
  describe(`RuntimeClient conformance: ${subject.name}`, () => {
    const harness = makeHarness(subject)
    submitTests(harness)
    listingTests(harness)
    visibilityTests(harness)
    cancellationTests(harness)
    inputTests(harness)
    approvalTests(harness)
    childrenTests(harness)
    subscribeTests(harness)
    subscribeAllTests(harness)
    cancelRaceTests(harness)
    deadlineTests(harness)
    retryTests(harness)
    validationTests(harness)
    admissionTests(harness)
    discoveryTests(harness)
    availabilityTests(harness)
    signalTests(harness)
  })
}

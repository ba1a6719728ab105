// Plain JavaScript with a hand-written index.d.ts: the tests of every package import it without a build step.

/**
 * Polls `condition` every `intervalMs` until it holds. After `timeoutMs` it fails with an error that names
 * what was awaited (`what`) and for how long, so a timed-out test says which wait gave up.
 */
export const until = async (condition, options = {}) => {
  const { timeoutMs = 5_000, intervalMs = 10, what = "a condition" } = options
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/**
 * A trusted local user for tests: `testPrincipal("alice")` is `local:alice` in session `session-alice` with the
 * `developer` role; every field can be overridden.
 */
export const testPrincipal = (name, overrides = {}) => ({
  id: `local:${name}`,
  provider: "local",
  sessionId: `session-${name}`,
  roles: ["developer"],
  trust: "trusted",
  ...overrides
})

/** A developer. */
export const alice = testPrincipal("alice")

/** Another developer, in another session: must not see Alice's tasks. */
export const bob = testPrincipal("bob")

/** An operator with the `admin` role. */
export const admin = testPrincipal("root", { roles: ["admin"] })

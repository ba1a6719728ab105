import type { SecurityConfig } from "@coderclaw/security"

/** The id of the policy that lets only trusted (paired) devices run the test runner. */
export const trustedTestsPolicyId = "test-runner-needs-trusted-device"

/**
 * The demo's `security.yaml`, as a value: local accounts, the built-in roles, and two policies on top of
 * the defaults: running commands through `test-runner` needs a device an operator paired (`trusted`), and
 * `shell.run` always waits for a person's approval. The embedded test is checked when the server loads
 * the configuration, so a policy that stopped refusing readers would refuse to start.
 */
export const demoSecurityConfig: SecurityConfig = {
  sessions: { issuer: "coderclaw-demo", audience: "coderclaw", defaultTtlMs: 15 * 60_000 },
  providers: { local: {} },
  policies: {
    agents: [{ id: trustedTestsPolicyId, agent: "test-runner", minTrust: "trusted" }],
    skills: [{ id: "shell-run-needs-approval", skill: "shell.run", requireApproval: true, minTrust: "trusted" }],
    dangerousSkills: { requireApproval: true },
    tests: [
      {
        name: "a readonly user cannot submit",
        request: {
          principal: { id: "local:reader", roles: ["readonly"], trust: "trusted", sessionId: "s1" },
          action: "task:submit",
          resource: { type: "Agent", id: "repo-scanner" }
        },
        expect: "deny"
      }
    ]
  }
}

/**
 * One condition `/readyz` checks: `run` answers `undefined` when it holds, or why not. A cluster node adds
 * its membership check here (its shards assigned, its runner registered), so a node that lost its place is
 * taken out of the load balancer's rotation.
 */
export interface ReadinessCheck {
  readonly name: string
  readonly run: () => Promise<string | undefined>
}

/** What `/readyz` answers: `ready` when every check held, else the checks and why each failed. */
export interface Readiness {
  readonly status: "ready" | "not-ready"
  readonly checks: ReadonlyArray<{ readonly name: string; readonly state: "ok" | "failing"; readonly detail?: string }>
}

/** Runs every check at once; a check that throws fails with its message. */
export const checkReadiness = async (checks: ReadonlyArray<ReadinessCheck>): Promise<Readiness> => {
  const results = await Promise.all(
    checks.map(async (check) => {
      const detail = await check
        .run()
        .catch((error: unknown) => (error instanceof Error ? error.message : String(error)))
      return detail === undefined
        ? { name: check.name, state: "ok" as const }
        : { name: check.name, state: "failing" as const, detail: detail.slice(0, 1_000) }
    })
  )
  return { status: results.every((result) => result.state === "ok") ? "ready" : "not-ready", checks: results }
}

import type { SchemaJson } from "@cedar-policy/cedar-wasm/nodejs"
import { permissions } from "@coderclaw/protocol"

/** Device trust as the integer policies compare: `untrusted` 0 < `verified` 1 < `trusted` 2. */
export const trustRank = { untrusted: 0, verified: 1, trusted: 2 } as const

const stringSet = { type: "Set", element: { type: "String" } } as const

/**
 * The Cedar schema every policy (generated or written by hand in `cedar`) is validated against, in
 * strict mode. Written for people who write Cedar by hand:
 *
 * - `Principal::"<principal id>"` with `trust: Long` (see `trustRank`) and `permissions: Set<String>` (what
 *   its roles grant, computed on the server), member of `Role::"<role>"` for each of its known roles and
 *   every role those inherit, so `principal in Role::"developer"` holds for a custom role that inherits
 *   `developer`.
 * - `Action::"<permission>"` for each protocol permission (`Action::"task:submit"`, …).
 * - Resources `Task`, `Agent`, `Skill`, `Repository`, `Method`, without attributes.
 * - Context: `repository: String` (lower-cased, `""` when none), optional `agent`, `skill`, `branch`
 *   (normalised, lower-cased), `paths: Set<String>` (normalised, lower-cased), `protectedPathHits:
 *   Set<String>` (the configured protected-path patterns the paths fall under), `dangerous: Bool`
 *   (declared by the skill or by a skill policy), `skillPermissions: Set<String>`.
 */
export const cedarSchema: SchemaJson<string> = {
  "": {
    entityTypes: {
      Role: { memberOfTypes: ["Role"] },
      Principal: {
        memberOfTypes: ["Role"],
        shape: {
          type: "Record",
          attributes: { trust: { type: "Long" }, permissions: stringSet }
        }
      },
      Task: {},
      Agent: {},
      Skill: {},
      Repository: {},
      Method: {}
    },
    actions: Object.fromEntries(
      permissions.map((permission) => [
        permission,
        {
          appliesTo: {
            principalTypes: ["Principal"],
            resourceTypes: ["Task", "Agent", "Skill", "Repository", "Method"],
            context: {
              type: "Record",
              attributes: {
                repository: { type: "String" },
                agent: { type: "String", required: false },
                skill: { type: "String", required: false },
                branch: { type: "String", required: false },
                paths: stringSet,
                protectedPathHits: stringSet,
                dangerous: { type: "Boolean" },
                skillPermissions: stringSet
              }
            }
          }
        }
      ])
    )
  }
}

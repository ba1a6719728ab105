import { Schema } from "effect"

/**
 * One line of the GitHub role mapping: members of `org` (or, with `team`, of that team of `org`) get
 * `role`. `org` is the organisation's login and `team` the team's slug (as in its URL), both compared
 * case-insensitively since GitHub treats them so. Decode configuration with this schema.
 */
export const GithubRoleRule = Schema.Struct({
  org: Schema.NonEmptyString,
  team: Schema.optionalKey(Schema.NonEmptyString),
  role: Schema.NonEmptyString
})
export type GithubRoleRule = typeof GithubRoleRule.Type

/** The organisations and teams a GitHub user belongs to, as read from the API. */
export interface GithubMemberships {
  /** Organisation logins. */
  readonly orgs: ReadonlyArray<string>
  readonly teams: ReadonlyArray<{ readonly org: string; readonly team: string }>
}

/**
 * The roles `rules` grant to a user with `memberships`, in rule order, without duplicates. Membership of a
 * team implies membership of its organisation. A user matching no rule gets no role (and so, through RBAC,
 * no permission): access is never granted by default.
 */
export const githubRoles = (rules: ReadonlyArray<GithubRoleRule>, memberships: GithubMemberships): Array<string> => {
  const orgs = new Set(memberships.orgs.map((org) => org.toLowerCase()))
  const teams = new Set<string>()
  for (const { org, team } of memberships.teams) {
    orgs.add(org.toLowerCase())
    teams.add(`${org.toLowerCase()}/${team.toLowerCase()}`)
  }
  const roles: Array<string> = []
  for (const rule of rules) {
    const org = rule.org.toLowerCase()
    const matches = rule.team === undefined ? orgs.has(org) : teams.has(`${org}/${rule.team.toLowerCase()}`)
    if (matches && !roles.includes(rule.role)) roles.push(rule.role)
  }
  return roles
}

/** Whether `rules` need the user's organisations, teams, or both, so no needless API call is made. */
export const githubMembershipNeeds = (
  rules: ReadonlyArray<GithubRoleRule>
): { readonly orgs: boolean; readonly teams: boolean } => ({
  orgs: rules.some((rule) => rule.team === undefined),
  teams: rules.some((rule) => rule.team !== undefined)
})

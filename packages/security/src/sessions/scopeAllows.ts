import type { Permission } from "@coderclaw/protocol"

/**
 * Whether scopes let a connection use `permission`. Scopes narrow, never widen: the caller still needs a
 * role granting the permission. `undefined` scopes do not narrow; otherwise the permission itself (or
 * `admin:all`) must be listed. `task:read` does not cover `task:read:any`: reading others' tasks is a
 * permission of its own and must be asked for by name.
 */
export const scopeAllows = (scopes: ReadonlyArray<string> | undefined, permission: Permission | string): boolean =>
  scopes === undefined || scopes.includes(permission) || scopes.includes("admin:all")

/**
 * The scopes a connection runs under, from the session's (empty: not narrowed) and those its device proof
 * asked for on this connection (empty: not narrowed): the intersection when both narrow.
 */
export const effectiveScopes = (
  sessionScopes: ReadonlyArray<string>,
  connectionScopes: ReadonlyArray<string> | undefined
): ReadonlyArray<string> | undefined => {
  const connection = connectionScopes === undefined || connectionScopes.length === 0 ? undefined : connectionScopes
  if (sessionScopes.length === 0) return connection
  if (connection === undefined) return sessionScopes
  if (sessionScopes.includes("admin:all")) return connection
  if (connection.includes("admin:all")) return sessionScopes
  return sessionScopes.filter((scope) => connection.includes(scope))
}

import { existsSync } from "node:fs"
import { userInfo } from "node:os"
import { isAbsolute, resolve } from "node:path"
import type { DeviceOperator, SecurityConfig, SecurityShape } from "@coderclaw/security"
import { canManageDevices, Security } from "@coderclaw/security"
import { PostgresSecurityStore } from "@coderclaw/store-postgres/security"
import { SqliteSecurityStore } from "@coderclaw/store-sqlite/security"
import { Effect, Layer, Option } from "effect"
import { CliError, failedError, usageError } from "../cli/CliError.js"
import { loadRuntimeConfig } from "../config/loadRuntimeConfig.js"
import { loadSecurityFile } from "../config/loadSecurityFile.js"
import { ensurePrivateDirectory, legacyDatabaseOf } from "../config/stateDirectory.js"
import { postgresOptions } from "../server/postgresOptions.js"

/** Where the admin commands find the database and the security configuration. */
export interface AdminOptions {
  /** `--database`: the SQLite file; default the `database` of `runtime.yaml`, else in the state directory. */
  readonly database?: string
  /** `--data-dir`: the server's state directory; default the `dataDir` of `runtime.yaml`. */
  readonly dataDir?: string
  /** Where the default state directory is derived from (`XDG_STATE_HOME`). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** `--config`: `runtime.yaml`, read for its `database`. */
  readonly config?: string
  /** `--security`: `security.yaml`, read for custom roles and account rules. */
  readonly security?: string
  readonly cwd: string
  /** Create the database when it does not exist yet (only `users add`, before the first `serve`). */
  readonly create?: boolean
}

/** What an admin command works with: the security service over the database file. */
export interface Admin {
  readonly security: SecurityShape
  readonly database: string
  readonly config: SecurityConfig
}

/**
 * Opens the security service directly on the server's database file, for an operator on the server's
 * machine: no server is needed (or contacted), the file's permissions are the access control. The server
 * may be running: SQLite serialises the writes and the audit chain stays linear across both processes.
 */
export const withAdmin = <A>(
  options: AdminOptions,
  use: (admin: Admin) => Effect.Effect<A, CliError>
): Effect.Effect<A, CliError> =>
  Effect.gen(function* () {
    const runtime =
      options.database === undefined
        ? yield* loadRuntimeConfig(options.config, options.cwd, {
            dataDir: options.dataDir,
            env: options.env ?? process.env
          })
        : undefined
    const named = options.database
    const database =
      runtime !== undefined || named === undefined
        ? (runtime?.resolved.database ?? "")
        : isAbsolute(named)
          ? named
          : resolve(options.cwd, named)
    if (runtime !== undefined && runtime.config.database === undefined) {
      const legacy = legacyDatabaseOf(runtime.resolved.repository)
      if (!existsSync(database) && existsSync(legacy)) {
        return yield* failedError(
          `no database in ${runtime.resolved.dataDir}, but one inside the repository: ${legacy}`,
          {
            hint: `the server's state now lives outside the repository: move it with mkdir -p '${runtime.resolved.dataDir}' && mv '${legacy}'* '${runtime.resolved.dataDir}/', or name it with --database`
          }
        )
      }
      if (options.create === true) ensurePrivateDirectory(runtime.resolved.dataDir)
    }
    const { config } = yield* loadSecurityFile(options.security, options.cwd)
    // A server on PostgreSQL keeps its accounts there: admin commands use the same stores.
    const postgres = runtime === undefined ? undefined : postgresOptions(runtime.resolved, options.env ?? process.env)
    if (postgres !== undefined) {
      return yield* Effect.gen(function* () {
        const security = yield* Security
        return yield* use({ security, database: postgres.url ?? "", config })
      }).pipe(
        Effect.provide(Security.layer(config).pipe(Layer.provide(PostgresSecurityStore.layer(postgres)))),
        Effect.catchTags({
          SecurityConfigError: (error) => Effect.fail(usageError(error.message)),
          PostgresSecurityStoreError: (error) =>
            Effect.fail(failedError(`cannot open ${postgres.url}: ${error.detail}`))
        })
      )
    }
    if (options.create !== true && !existsSync(database)) {
      return yield* failedError(`no database at ${database}`, {
        hint: "run the command where `coderclaw serve` runs, or name the file with --database"
      })
    }
    const layer = Security.layer(config).pipe(Layer.provide(SqliteSecurityStore.layer({ filename: database })))
    return yield* Effect.gen(function* () {
      const security = yield* Security
      return yield* use({ security, database, config })
    }).pipe(
      Effect.provide(layer),
      Effect.catchTags({
        SecurityConfigError: (error) => Effect.fail(usageError(error.message)),
        SqliteSecurityStoreError: (error) => Effect.fail(failedError(`cannot open ${database}: ${error.detail}`))
      })
    )
  })

/** The operating-system user running the command, recorded in the audit entries of admin commands. */
export const osUser = (): string => {
  try {
    return userInfo().username
  } catch {
    return "unknown"
  }
}

/**
 * The operator an admin command acts as: a local account (`local:<name>`), with the permissions its roles
 * grant under this configuration (never permissions named on the command line). Without `--as`, the one
 * enabled account allowed to manage devices (`device:approve` or `admin:all`); when there are several, the
 * operator must be named.
 */
export const operatorOf = (
  security: SecurityShape,
  principalId: string | undefined
): Effect.Effect<DeviceOperator, CliError> =>
  Effect.gen(function* () {
    if (principalId === undefined) {
      const users = yield* security.users.listUsers.pipe(
        Effect.mapError((error) => failedError(`cannot read the accounts: ${error.message}`))
      )
      const operators = users
        .filter((user) => !user.disabled)
        .map((user) => ({
          principalId: `local:${user.username}`,
          permissions: security.gate.permissionsOf(user.roles)
        }))
        .filter((operator) => canManageDevices(operator))
      const only = operators[0]
      if (only !== undefined && operators.length === 1) return only
      return yield* usageError(
        operators.length === 0
          ? "no local account may manage devices (device:approve or admin)"
          : `several accounts may manage devices (${operators.map((operator) => operator.principalId).join(", ")}): name one with --as`,
        operators.length === 0 ? "create one with `coderclaw users add <name> --role admin`" : undefined
      )
    }
    const match = /^local:(.+)$/.exec(principalId)
    if (match === null) {
      return yield* usageError(
        `--as ${principalId}: the operator must be a local account, written local:<name>`,
        "create one with `coderclaw users add <name> --role admin`"
      )
    }
    const username = match[1] as string
    const found = yield* security.users
      .getUser(username)
      .pipe(Effect.mapError((error) => failedError(`cannot read the accounts: ${error.message}`)))
    if (Option.isNone(found)) {
      return yield* failedError(`the operator ${principalId} has no local account`, {
        hint: `create it with \`coderclaw users add ${username} --role admin\`, or pass --as <principal>`
      })
    }
    if (found.value.disabled) return yield* failedError(`the operator ${principalId} is disabled`)
    return { principalId, permissions: security.gate.permissionsOf(found.value.roles) }
  })

/** Turns an effect's typed failure into a `CliError` (exit 1) with its message. */
export const orFail =
  (prefix: string) =>
  <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, CliError, R> =>
    Effect.mapError(effect, (error) => (error instanceof CliError ? error : failedError(`${prefix}: ${error.message}`)))

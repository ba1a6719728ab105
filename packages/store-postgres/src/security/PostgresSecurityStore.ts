import {
  AuditStore,
  type AuditStoreShape,
  DeviceStore,
  type DeviceStoreShape,
  SessionStore,
  type SessionStoreShape,
  SigningKeyStore,
  type SigningKeyStoreShape,
  UserStore,
  type UserStoreShape
} from "@coderclaw/security"
import { Clock, Context, Effect, Layer, type Scope } from "effect"
import type { SqlError } from "effect/sql/SqlError"
import {
  BadConnectionOption,
  openClient,
  type PostgresConnectionOptions,
  resolveConnection
} from "../internal/connection.js"
import { lockKeys } from "../internal/schemaName.js"
import { makeAuditStore } from "./internal/makeAuditStore.js"
import { makeDeviceStore } from "./internal/makeDeviceStore.js"
import { makeSessionStore } from "./internal/makeSessionStore.js"
import { makeSigningKeyStore } from "./internal/makeSigningKeyStore.js"
import { makeUserStore } from "./internal/makeUserStore.js"
import { migrateSecurity, NewerSecuritySchema, securitySchemaVersion } from "./internal/migrateSecurity.js"
import { PostgresSecurityStoreError } from "./PostgresSecurityStoreError.js"

/** Where the security stores live: the same options as the journal's connection (the same schema works). */
export type PostgresSecurityStoreOptions = PostgresConnectionOptions

/** The five security stores on one connection pool, as `make` returns them. */
export interface PostgresSecurityStores {
  readonly users: UserStoreShape
  readonly sessions: SessionStoreShape
  readonly signingKeys: SigningKeyStoreShape
  readonly devices: DeviceStoreShape
  readonly audit: AuditStoreShape
}

/** Every service `layer` provides: all the stores `@coderclaw/security` keeps its state in. */
export type PostgresSecurityServices = UserStore | SessionStore | SigningKeyStore | DeviceStore | AuditStore

/** The security schema version this release writes (independent of the journal's). */
export const schemaVersion: number = securitySchemaVersion

const unavailable = (detail: string) => new PostgresSecurityStoreError({ reason: "Unavailable", detail })

/**
 * Opens the security stores in the current scope: a connection pool to the server, the `security_*`
 * tables created in the schema when missing; closing the scope closes the pool. Any number of servers
 * may share the stores (every write that must not race is one transaction with a row lock). Fails with
 * `PostgresSecurityStoreError` when the server is unreachable, refuses the credentials or holds a newer
 * security schema.
 */
export const make = (
  options: PostgresSecurityStoreOptions
): Effect.Effect<PostgresSecurityStores, PostgresSecurityStoreError, Scope.Scope> =>
  Effect.gen(function* () {
    const target = resolveConnection(options)
    if (target instanceof BadConnectionOption) return yield* unavailable(`invalid option: ${target.detail}`)
    const where = `${target.display} schema "${target.schema}"`
    const failed = (doing: string) => (error: SqlError) =>
      Effect.fail(unavailable(`${doing} (${where}): ${error.cause.message ?? error.message}`))
    const sql = yield* Effect.catchTag(openClient(target, options), "SqlError", failed("connecting"))
    const openedAt = yield* Clock.currentTimeMillis
    const newer = yield* Effect.catchTag(
      migrateSecurity(sql, target.schema, lockKeys(target.schema).order, openedAt),
      "SqlError",
      failed("migrating the security tables")
    )
    if (newer instanceof NewerSecuritySchema) {
      return yield* unavailable(
        `the security tables in ${where} have schema version ${newer.found}, newer than the ` +
          `${securitySchemaVersion} this @coderclaw/store-postgres understands; open it with a newer release`
      )
    }
    return {
      users: makeUserStore(sql),
      sessions: makeSessionStore(sql),
      signingKeys: makeSigningKeyStore(sql),
      devices: makeDeviceStore(sql),
      audit: makeAuditStore(sql)
    }
  })

/**
 * Every store of `@coderclaw/security` (`UserStore`, `SessionStore`, `SigningKeyStore`, `DeviceStore`,
 * `AuditStore`) on PostgreSQL: what servers sharing one database provide. Point it at the journal's
 * schema to keep the whole runtime state in one place.
 */
export const layer = (
  options: PostgresSecurityStoreOptions
): Layer.Layer<PostgresSecurityServices, PostgresSecurityStoreError> =>
  Layer.effectContext(
    Effect.map(make(options), (stores) =>
      Context.make(UserStore, stores.users).pipe(
        Context.add(SessionStore, stores.sessions),
        Context.add(SigningKeyStore, stores.signingKeys),
        Context.add(DeviceStore, stores.devices),
        Context.add(AuditStore, stores.audit)
      )
    )
  )

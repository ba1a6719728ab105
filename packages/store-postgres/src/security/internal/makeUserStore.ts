import { LocalUser, LocalUserError, StoreRows, type UserStoreShape } from "@coderclaw/security"
import { Effect, Option, Schema } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { orFail, storeCall } from "./storeCall.js"

type Row = { readonly [column: string]: unknown }

const columns = "username, password_hash, roles, display_name, disabled, created_at, updated_at"

const call = storeCall((_kind, detail) => new LocalUserError({ reason: "Unavailable", detail }))
const decodeUser = StoreRows.rowDecoder(LocalUser)
const decodeChanges = StoreRows.rowDecoder(
  Schema.Struct({
    passwordHash: Schema.optionalKey(LocalUser.fields.passwordHash),
    roles: Schema.optionalKey(LocalUser.fields.roles),
    disabled: Schema.optionalKey(LocalUser.fields.disabled),
    updatedAt: LocalUser.fields.updatedAt
  })
)
const isError = (value: unknown): value is LocalUserError => value instanceof LocalUserError

const userFromRow = (row: Row): LocalUser | LocalUserError => {
  const user = decodeUser(
    StoreRows.rowObject(
      {
        username: row.username,
        passwordHash: row.password_hash,
        roles: StoreRows.jsonColumn("roles", String(row.roles)),
        disabled: row.disabled,
        createdAt: Number(row.created_at),
        updatedAt: Number(row.updated_at)
      },
      { displayName: row.display_name }
    )
  )
  return user instanceof StoreRows.UnreadableRow
    ? new LocalUserError({
        reason: "Unavailable",
        username: String(row.username),
        detail: `the stored account ${user.detail}`
      })
    : user
}

const optionalUser = (rows: ReadonlyArray<Row>) => {
  const row = rows[0]
  if (row === undefined) return Effect.succeed(Option.none<LocalUser>())
  return Effect.map(orFail(isError, userFromRow(row)), Option.some)
}

/** The `UserStore` port on `security_users`: one row per account, roles as a JSON array. */
export const makeUserStore = (sql: SqlClient): UserStoreShape => ({
  find: (username) =>
    call(
      "finding an account",
      Effect.flatMap(sql`SELECT ${sql.unsafe(columns)} FROM security_users WHERE username = ${username}`, optionalUser)
    ),
  insert: (user) =>
    Effect.suspend(() => {
      // Stored only if it reads back: a row that does not decode would make `list` fail for every account.
      const checked = decodeUser({ ...user })
      if (checked instanceof StoreRows.UnreadableRow) {
        return Effect.fail(
          new LocalUserError({
            reason: "Unavailable",
            username: user.username,
            detail: `refused to store an account that ${checked.detail}`
          })
        )
      }
      return call(
        "adding an account",
        Effect.flatMap(
          sql`INSERT INTO security_users (${sql.unsafe(columns)}) VALUES (${checked.username}, ${checked.passwordHash},
            ${JSON.stringify(checked.roles)}, ${checked.displayName ?? null}, ${checked.disabled}, ${checked.createdAt},
            ${checked.updatedAt}) ON CONFLICT (username) DO NOTHING RETURNING username`,
          (rows) =>
            rows.length === 0
              ? Effect.fail(new LocalUserError({ reason: "AlreadyExists", username: user.username }))
              : Effect.void
        )
      )
    }),
  update: (username, changes, condition) =>
    Effect.suspend(() => {
      const checked = decodeChanges(StoreRows.rowObject({}, { ...changes }))
      if (checked instanceof StoreRows.UnreadableRow) {
        return Effect.fail(
          new LocalUserError({ reason: "Unavailable", username, detail: `refused changes that ${checked.detail}` })
        )
      }
      // Rolled back when the account as updated does not decode, so a failed update writes nothing.
      return call(
        "updating an account",
        sql.withTransaction(
          Effect.flatMap(
            sql`UPDATE security_users SET
              password_hash = coalesce(${checked.passwordHash ?? null}, password_hash),
              roles = coalesce(${checked.roles === undefined ? null : JSON.stringify(checked.roles)}, roles),
              disabled = coalesce(${checked.disabled ?? null}::boolean, disabled),
              updated_at = ${checked.updatedAt}
            WHERE username = ${username}
              AND (${condition?.passwordHash ?? null}::text IS NULL OR password_hash = ${condition?.passwordHash ?? null})
            RETURNING ${sql.unsafe(columns)}`,
            optionalUser
          )
        )
      )
    }),
  remove: (username) =>
    call(
      "removing an account",
      Effect.map(
        sql`DELETE FROM security_users WHERE username = ${username} RETURNING username`,
        (rows) => rows.length > 0
      )
    ),
  list: call(
    "listing accounts",
    Effect.flatMap(sql`SELECT ${sql.unsafe(columns)} FROM security_users ORDER BY username COLLATE "C"`, (rows) =>
      Effect.forEach(rows, (row) => orFail(isError, userFromRow(row)))
    )
  )
})

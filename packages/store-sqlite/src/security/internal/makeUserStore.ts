import { LocalUser, LocalUserError, type UserStoreShape } from "@coderclaw/security"
import { Option, Schema } from "effect"
import type { SqliteConnection } from "../../internal/driver/SqliteConnection.js"
import { booleanColumn, jsonColumn, rowDecoder, rowObject, UnreadableRow } from "./rowValues.js"
import { storeAttempt } from "./storeAttempt.js"
import { writeTransaction } from "./writeTransaction.js"

/** A row of `security_users`, as better-sqlite3 returns it. */
interface UserRow {
  readonly username: string
  readonly password_hash: string
  readonly roles: string
  readonly display_name: string | null
  readonly disabled: number
  readonly created_at: number
  readonly updated_at: number
}

const columns = "username, password_hash, roles, display_name, disabled, created_at, updated_at"

// The port knows one failure for storage: `unavailable` (a damaged row included), with the detail saying which.
const attempt = storeAttempt(LocalUserError, (_kind, detail) => new LocalUserError({ reason: "Unavailable", detail }))

const decodeUser = rowDecoder(LocalUser)

// What `update` may write, checked with the account's own field schemas before anything is written.
const decodeChanges = rowDecoder(
  Schema.Struct({
    passwordHash: Schema.optionalKey(LocalUser.fields.passwordHash),
    roles: Schema.optionalKey(LocalUser.fields.roles),
    disabled: Schema.optionalKey(LocalUser.fields.disabled),
    updatedAt: LocalUser.fields.updatedAt
  })
)

const isError = (value: unknown): value is LocalUserError => value instanceof LocalUserError

const userFromRow = (row: UserRow): LocalUser | LocalUserError => {
  const user = decodeUser(
    rowObject(
      {
        username: row.username,
        passwordHash: row.password_hash,
        roles: jsonColumn("roles", row.roles),
        disabled: booleanColumn(row.disabled),
        createdAt: row.created_at,
        updatedAt: row.updated_at
      },
      { displayName: row.display_name }
    )
  )
  return user instanceof UnreadableRow
    ? new LocalUserError({ reason: "Unavailable", username: row.username, detail: `the stored account ${user.detail}` })
    : user
}

const optionalUser = (row: UserRow | undefined): Option.Option<LocalUser> | LocalUserError => {
  if (row === undefined) return Option.none()
  const user = userFromRow(row)
  return user instanceof LocalUserError ? user : Option.some(user)
}

/**
 * The `UserStore` port on `security_users`: one row per account keyed by `username`, roles as a JSON array.
 * Every method is one statement; `update`'s compare-and-set is the `WHERE` of its `UPDATE … RETURNING`.
 */
export const makeUserStore = (db: SqliteConnection): UserStoreShape => {
  const find = db.prepare<[string], UserRow>(`SELECT ${columns} FROM security_users WHERE username = ?`)
  const insert = db.prepare<[string, string, string, string | null, number, number, number]>(
    `INSERT INTO security_users (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING`
  )
  // Each change is NULL when it is not to be made; the condition is NULL when there is none.
  const update = db.prepare<
    {
      username: string
      passwordHash: string | null
      roles: string | null
      disabled: number | null
      updatedAt: number
      expectedHash: string | null
    },
    UserRow
  >(
    `UPDATE security_users SET
       password_hash = coalesce(@passwordHash, password_hash),
       roles = coalesce(@roles, roles),
       disabled = coalesce(@disabled, disabled),
       updated_at = @updatedAt
     WHERE username = @username AND (@expectedHash IS NULL OR password_hash = @expectedHash)
     RETURNING ${columns}`
  )
  const remove = db.prepare<[string]>("DELETE FROM security_users WHERE username = ?")
  const list = db.prepare<[], UserRow>(`SELECT ${columns} FROM security_users ORDER BY username`)

  return {
    find: (username) => attempt("finding an account", () => optionalUser(find.get(username))),
    insert: (user) =>
      attempt("adding an account", () => {
        // Stored only if it reads back: a row that does not decode would make `list` fail for every account.
        const checked = decodeUser({ ...user })
        if (checked instanceof UnreadableRow) {
          return new LocalUserError({
            reason: "Unavailable",
            username: user.username,
            detail: `refused to store an account that ${checked.detail}`
          })
        }
        const { changes } = insert.run(
          checked.username,
          checked.passwordHash,
          JSON.stringify(checked.roles),
          checked.displayName ?? null,
          checked.disabled ? 1 : 0,
          checked.createdAt,
          checked.updatedAt
        )
        return changes === 0 ? new LocalUserError({ reason: "AlreadyExists", username: user.username }) : undefined
      }),
    update: (username, changes, condition) =>
      attempt("updating an account", () => {
        const checked = decodeChanges(rowObject({}, { ...changes }))
        if (checked instanceof UnreadableRow) {
          return new LocalUserError({
            reason: "Unavailable",
            username,
            detail: `refused changes that ${checked.detail}`
          })
        }
        // Rolled back when the account as updated does not decode, so a failed update writes nothing.
        return writeTransaction(db, isError, () =>
          optionalUser(
            update.get({
              username,
              passwordHash: checked.passwordHash ?? null,
              roles: checked.roles === undefined ? null : JSON.stringify(checked.roles),
              disabled: checked.disabled === undefined ? null : checked.disabled ? 1 : 0,
              updatedAt: checked.updatedAt,
              expectedHash: condition?.passwordHash ?? null
            })
          )
        )
      }),
    remove: (username) => attempt("removing an account", () => remove.run(username).changes > 0),
    list: attempt("listing accounts", () => {
      const users: Array<LocalUser> = []
      for (const row of list.all()) {
        const user = userFromRow(row)
        if (user instanceof LocalUserError) return user
        users.push(user)
      }
      return users
    })
  }
}

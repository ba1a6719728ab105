import { SessionRejected, SigningKeyRecord, type SigningKeyStoreShape } from "@coderclaw/security"
import type { SqliteConnection } from "../../internal/driver/SqliteConnection.js"
import { jsonColumn, rowDecoder, rowObject, UnreadableRow } from "./rowValues.js"
import { storeAttempt } from "./storeAttempt.js"

/** A row of `security_signing_keys`, as better-sqlite3 returns it. */
interface SigningKeyRow {
  readonly kid: string
  readonly public_jwk: string
  readonly private_jwk: string | null
  readonly created_at: number
  readonly retired_at: number | null
}

const columns = "kid, public_jwk, private_jwk, created_at, retired_at"

// The port reports every storage failure, a damaged row included, as `unavailable`.
const attempt = storeAttempt(SessionRejected, (_kind, detail) => new SessionRejected({ reason: "Unavailable", detail }))

const decodeKey = rowDecoder(SigningKeyRecord)

/**
 * The `SigningKeyStore` port on `security_signing_keys`: one row per key keyed by `kid`, the JWKs as JSON
 * text. `save` is an upsert that keeps the row in place, so `load` answers keys in the order they were first
 * saved, as the in-memory store does. Error details name fields, never values: the private JWK is secret.
 */
export const makeSigningKeyStore = (db: SqliteConnection): SigningKeyStoreShape => {
  const load = db.prepare<[], SigningKeyRow>(`SELECT ${columns} FROM security_signing_keys ORDER BY rowid`)
  const save = db.prepare<[string, string, string | null, number, number | null]>(
    `INSERT INTO security_signing_keys (${columns}) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (kid) DO UPDATE SET
       public_jwk = excluded.public_jwk,
       private_jwk = excluded.private_jwk,
       created_at = excluded.created_at,
       retired_at = excluded.retired_at`
  )
  const remove = db.prepare<[string]>("DELETE FROM security_signing_keys WHERE kid = ?")

  return {
    load: attempt("loading the signing keys", () => {
      const records: Array<SigningKeyRecord> = []
      for (const row of load.all()) {
        const record = decodeKey(
          rowObject(
            { kid: row.kid, publicJwk: jsonColumn("public_jwk", row.public_jwk), createdAt: row.created_at },
            {
              privateJwk: row.private_jwk === null ? null : jsonColumn("private_jwk", row.private_jwk),
              retiredAt: row.retired_at
            }
          )
        )
        if (record instanceof UnreadableRow) {
          return new SessionRejected({
            reason: "Unavailable",
            detail: `the stored signing key ${row.kid} ${record.detail}`
          })
        }
        records.push(record)
      }
      return records
    }),
    save: (record) =>
      attempt("saving a signing key", () => {
        // Stored only if it reads back: one unreadable key would make `load` fail for the whole ring.
        const checked = decodeKey({ ...record })
        if (checked instanceof UnreadableRow) {
          return new SessionRejected({
            reason: "Unavailable",
            detail: `refused to store a signing key that ${checked.detail}`
          })
        }
        save.run(
          checked.kid,
          JSON.stringify(checked.publicJwk),
          checked.privateJwk === undefined ? null : JSON.stringify(checked.privateJwk),
          checked.createdAt,
          checked.retiredAt ?? null
        )
      }),
    remove: (kid) =>
      attempt("removing a signing key", () => {
        remove.run(kid)
      })
  }
}

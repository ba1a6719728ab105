import { SessionRejected, SigningKeyRecord, type SigningKeyStoreShape, StoreRows } from "@coderclaw/security"
import { Effect } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { storeCall } from "./storeCall.js"

const columns = "kid, public_jwk, private_jwk, created_at, retired_at"

const call = storeCall((_kind, detail) => new SessionRejected({ reason: "Unavailable", detail }))
const decodeKey = StoreRows.rowDecoder(SigningKeyRecord)

/**
 * The `SigningKeyStore` port on `security_signing_keys`: one row per key, the JWKs as JSON text. `save` is
 * an upsert that keeps the row's `ord`, so `load` answers keys in the order they were first saved. Error
 * details name fields, never values: the private JWK is secret.
 */
export const makeSigningKeyStore = (sql: SqlClient): SigningKeyStoreShape => ({
  load: call(
    "loading the signing keys",
    Effect.flatMap(sql`SELECT ${sql.unsafe(columns)} FROM security_signing_keys ORDER BY ord`, (rows) =>
      Effect.forEach(rows, (row) => {
        const record = decodeKey(
          StoreRows.rowObject(
            {
              kid: row.kid,
              publicJwk: StoreRows.jsonColumn("public_jwk", String(row.public_jwk)),
              createdAt: Number(row.created_at)
            },
            {
              privateJwk:
                row.private_jwk === null ? null : StoreRows.jsonColumn("private_jwk", String(row.private_jwk)),
              retiredAt: row.retired_at === null ? null : Number(row.retired_at)
            }
          )
        )
        return record instanceof StoreRows.UnreadableRow
          ? Effect.fail(
              new SessionRejected({
                reason: "Unavailable",
                detail: `the stored signing key ${String(row.kid)} ${record.detail}`
              })
            )
          : Effect.succeed(record)
      })
    )
  ),
  save: (record) =>
    Effect.suspend(() => {
      const checked = decodeKey({ ...record })
      if (checked instanceof StoreRows.UnreadableRow) {
        return Effect.fail(
          new SessionRejected({
            reason: "Unavailable",
            detail: `refused to store a signing key that ${checked.detail}`
          })
        )
      }
      return call(
        "saving a signing key",
        Effect.asVoid(sql`INSERT INTO security_signing_keys (${sql.unsafe(columns)})
          VALUES (${checked.kid}, ${JSON.stringify(checked.publicJwk)},
            ${checked.privateJwk === undefined ? null : JSON.stringify(checked.privateJwk)}, ${checked.createdAt},
            ${checked.retiredAt ?? null})
          ON CONFLICT (kid) DO UPDATE SET public_jwk = excluded.public_jwk, private_jwk = excluded.private_jwk,
            created_at = excluded.created_at, retired_at = excluded.retired_at`)
      )
    }),
  remove: (kid) =>
    call("removing a signing key", Effect.asVoid(sql`DELETE FROM security_signing_keys WHERE kid = ${kid}`))
})

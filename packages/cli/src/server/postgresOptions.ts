import type { PostgresConnectionOptions } from "@coderclaw/store-postgres"
import { Redacted } from "effect"
import type { ResolvedRuntimeConfig } from "../config/loadRuntimeConfig.js"

/**
 * The PostgreSQL connection of a server whose `journal` is a `postgres://` URL (undefined otherwise): the
 * password from `postgres.passwordFile`, else from the environment variable `postgres.passwordEnv`
 * (default `PGPASSWORD`) of `env`. It is carried `Redacted`, so it never prints.
 */
export const postgresOptions = (
  config: ResolvedRuntimeConfig,
  env: Readonly<Record<string, string | undefined>>
): PostgresConnectionOptions | undefined => {
  if (config.journal === undefined) return undefined
  const pg = config.postgres ?? {}
  const password = pg.passwordFile === undefined ? env[pg.passwordEnv ?? "PGPASSWORD"] : undefined
  return {
    url: config.journal,
    ...(pg.schema === undefined ? {} : { schema: pg.schema }),
    ...(pg.passwordFile === undefined ? {} : { passwordFile: pg.passwordFile }),
    ...(password === undefined || password === "" ? {} : { password: Redacted.make(password) })
  }
}

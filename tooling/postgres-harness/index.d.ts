/** How to reach a server the harness started. `password` is random per server. */
export interface PostgresConnection {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  readonly database: string
  /** `postgres://user:password@127.0.0.1:port/coderclaw` */
  readonly url: string
}

/** A running throwaway PostgreSQL server. */
export interface PostgresServer {
  readonly connection: PostgresConnection
  /** The temporary folder holding the data, the socket and the log. */
  readonly root: string
  /** The folder of the server programs used. */
  readonly bin: string
  /** Runs SQL through psql as the superuser, returning its unaligned output. */
  psql(sql: string, database?: string): string
  /** Stops the server (`pg_ctl stop -m fast`), keeping its data, as an outage would. */
  stopServer(): void
  /** Starts it again after `stopServer`, on the same port. */
  startServer(): void
  /** Stops the server and deletes its folder; idempotent. Servers still running at process exit are stopped. */
  stop(): void
}

/** The folder of the PostgreSQL server programs (`$PG_BIN`, `/usr/lib/postgresql/<newest>/bin`, or the PATH). */
export declare const findPostgresBin: () => string

/**
 * Starts a new PostgreSQL cluster (initdb + pg_ctl) in a temporary folder on a free loopback port, run as
 * an unprivileged user when this process is root; `settings` are extra server settings (`-c key=value`).
 */
export declare const startPostgres: (options?: {
  readonly settings?: Readonly<Record<string, string | number>>
}) => Promise<PostgresServer>

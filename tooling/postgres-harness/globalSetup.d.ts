import type { PostgresConnection } from "./index.js"

declare module "vitest" {
  export interface ProvidedContext {
    /** The project's PostgreSQL server, started by `@coderclaw/postgres-harness/globalSetup`. */
    postgres: PostgresConnection
  }
}

export default function setup(project: { provide: (key: string, value: unknown) => void }): Promise<() => void>

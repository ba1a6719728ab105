import { runSecurityStoreConformance } from "@coderclaw/security-conformance"
import { Effect } from "effect"
import { PostgresSecurityStore } from "../src/security/index.js"
import { freshSchema, journalOptions } from "./support/database.js"

// Each test gets the five stores in a schema of its own on the project's server.
runSecurityStoreConformance("PostgreSQL", () =>
  Effect.orDie(PostgresSecurityStore.make(journalOptions(freshSchema("security"))))
)

import {
  makeInMemoryAuditStore,
  makeInMemoryDeviceStore,
  makeInMemorySessionStore,
  makeInMemorySigningKeyStore,
  makeInMemoryUserStore
} from "@coderclaw/security"
import { Effect } from "effect"
import { runSecurityStoreConformance } from "../src/index.js"

// The reference: security's in-memory stores define the contract every durable store is held to.
runSecurityStoreConformance("in memory", () =>
  Effect.sync(() => ({
    users: makeInMemoryUserStore(),
    sessions: makeInMemorySessionStore(),
    signingKeys: makeInMemorySigningKeyStore(),
    devices: makeInMemoryDeviceStore(),
    audit: makeInMemoryAuditStore()
  }))
)

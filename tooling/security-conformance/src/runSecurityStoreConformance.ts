import type {
  AuditStoreShape,
  DeviceStoreShape,
  SessionStoreShape,
  SigningKeyStoreShape,
  UserStoreShape
} from "@coderclaw/security"
import { Effect, type Scope } from "effect"
import { auditStoreBehaviour } from "./auditStoreBehaviour.js"
import { deviceStoreBehaviour } from "./deviceStoreBehaviour.js"
import { sessionStoreBehaviour } from "./sessionStoreBehaviour.js"
import { signingKeyStoreBehaviour } from "./signingKeyStoreBehaviour.js"
import { userStoreBehaviour } from "./userStoreBehaviour.js"

/** The five stores security keeps its state in, as one implementation provides them. */
export interface SecurityStoresUnderTest {
  readonly users: UserStoreShape
  readonly sessions: SessionStoreShape
  readonly signingKeys: SigningKeyStoreShape
  readonly devices: DeviceStoreShape
  readonly audit: AuditStoreShape
}

/**
 * Registers the contract of security's store ports against one implementation: accounts (insert, find,
 * conditional update, uniqueness, missing names), sessions (create, revoke, list by principal in order,
 * purge), signing keys (the ring in order, retire), devices and pairing requests (put, list, one decision
 * per request even when raced, expiry), and the audit log (append in chain order, head, query filters and
 * pages, refusal of a broken link). `makeStores` opens a fresh, empty set for each test; the scope closes it.
 */
export const runSecurityStoreConformance = (
  name: string,
  makeStores: () => Effect.Effect<SecurityStoresUnderTest, never, Scope.Scope>
): void => {
  userStoreBehaviour(name, () => Effect.map(makeStores(), (stores) => stores.users))
  sessionStoreBehaviour(name, () => Effect.map(makeStores(), (stores) => stores.sessions))
  signingKeyStoreBehaviour(name, () => Effect.map(makeStores(), (stores) => stores.signingKeys))
  deviceStoreBehaviour(name, () => Effect.map(makeStores(), (stores) => stores.devices))
  auditStoreBehaviour(name, () => Effect.map(makeStores(), (stores) => stores.audit))
}

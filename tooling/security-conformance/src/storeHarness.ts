import { randomBytes } from "node:crypto"
import type {
  AuditEntry,
  DevicePairingRequest,
  DeviceRecord,
  LocalUser,
  Session,
  SigningKeyRecord
} from "@coderclaw/security"
import { formatPasswordHash, genesisHash, hashAuditEntry } from "@coderclaw/security"
import { Effect, Exit, Option, type Scope } from "effect"

/** Opens a fresh, empty store of one port for one test; the scope closes it. */
export type OpenStore<S> = () => Effect.Effect<S, never, Scope.Scope>

/** Runs `use` on a freshly opened store and closes it. */
export const withStore = <S, A, E>(open: OpenStore<S>, use: (store: S) => Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(open(), use)))

/** The typed error an effect failed with; throws if it succeeded or died. */
export const failureOf = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<E> =>
  Effect.map(Effect.exit(effect), (exit) => {
    if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
    return Option.getOrThrowWith(Exit.findErrorOption(exit), () => new Error(`died: ${String(exit.cause)}`))
  })

/** A well-formed scrypt hash (random bytes: nothing verifies against it, nothing needs to). */
export const fakePasswordHash = (): string =>
  formatPasswordHash({ N: 16_384, r: 8, p: 1 }, randomBytes(16), randomBytes(32))

/** A local account row. */
export const aUser = (username: string, overrides: Partial<LocalUser> = {}): LocalUser => ({
  username,
  passwordHash: fakePasswordHash(),
  roles: ["developer"],
  disabled: false,
  createdAt: 1_000,
  updatedAt: 1_000,
  ...overrides
})

/** A session row. */
export const aSession = (id: string, principalId: string, overrides: Partial<Session> = {}): Session => ({
  id,
  principalId,
  provider: "local",
  roles: ["developer"],
  trust: "untrusted",
  scopes: [],
  createdAt: 1_000,
  expiresAt: 10_000,
  ...overrides
})

const base64url32 = () => randomBytes(32).toString("base64url")

/** A signing key row: public and private halves of a (random, not real) Ed25519 JWK. */
export const aSigningKey = (kid: string, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord => {
  const x = base64url32()
  return {
    kid,
    publicJwk: { kty: "OKP", crv: "Ed25519", x },
    privateJwk: { kty: "OKP", crv: "Ed25519", x, d: base64url32() },
    createdAt: 1_000,
    ...overrides
  }
}

/** A paired device row. */
export const aDevice = (
  deviceId: string,
  principalId: string,
  overrides: Partial<DeviceRecord> = {}
): DeviceRecord => ({
  deviceId,
  publicKey: base64url32(),
  principalId,
  name: `${deviceId}-laptop`,
  status: "paired",
  pairedAt: 2_000,
  approvedBy: "local:admin",
  ...overrides
})

/** A pending pairing request row. */
export const aPairingRequest = (
  id: string,
  deviceId: string,
  overrides: Partial<DevicePairingRequest> = {}
): DevicePairingRequest => ({
  id,
  deviceId,
  publicKey: base64url32(),
  principalId: "local:alice",
  name: `${deviceId}-laptop`,
  requestedAt: 1_000,
  expiresAt: 5_000,
  status: "pending",
  ...overrides
})

/** The fields of an audit entry that vary between tests. */
export type AuditFields = Partial<Omit<AuditEntry, "seq" | "prevHash" | "hash">>

/**
 * The properly chained entries for `fields`, seq 1, 2, 3… from the genesis hash (`after` continues a chain
 * from its last entry instead).
 */
export const chainEntries = (
  fields: ReadonlyArray<AuditFields>,
  after?: { readonly seq: number; readonly hash: string }
): Array<AuditEntry> => {
  const entries: Array<AuditEntry> = []
  let previous = after ?? { seq: 0, hash: genesisHash }
  for (const extra of fields) {
    const unhashed = {
      seq: previous.seq + 1,
      id: `entry-${previous.seq + 1}`,
      at: 1_000 + previous.seq,
      actor: "local:alice",
      action: "task.submit",
      decision: "allow" as const,
      reasons: [],
      prevHash: previous.hash,
      ...extra
    }
    const entry: AuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed) }
    entries.push(entry)
    previous = entry
  }
  return entries
}

/** The item at `index`, which the test knows is there. */
export const itemAt = <A>(items: ReadonlyArray<A>, index: number): A => {
  const item = items[index]
  if (item === undefined) throw new Error(`no item at ${index}`)
  return item
}

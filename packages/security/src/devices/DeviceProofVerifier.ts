import type { TrustLevel } from "@coderclaw/protocol"
import { Clock, Context, Effect, Layer, Option } from "effect"
import { DeviceError } from "./DeviceError.js"
import type { DeviceRecord } from "./DeviceRecord.js"
import { DeviceStore } from "./DeviceStore.js"
import { checkDeviceProof } from "./internal/checkDeviceProof.js"
import { ReplayCache } from "./internal/ReplayCache.js"

/** How the verifier judges proofs. */
export interface DeviceProofVerifierOptions {
  /** How far in the past `signedAt` may be (the device's clock behind, or a slow network). Default 60 000 ms. */
  readonly maxClockSkewMs?: number | undefined
  /**
   * How far in the future `signedAt` may be (the device's clock ahead). Default 5 000 ms, and never more than
   * `maxClockSkewMs`. Kept small: a proof dated ahead stays fresh (and its nonce must be remembered) longer.
   */
  readonly maxFutureSkewMs?: number | undefined
  /**
   * The most nonces remembered at once. Default 50 000 (a few MB). Each is remembered for
   * `maxClockSkewMs + maxFutureSkewMs`, the whole time its proof could pass the freshness check, and never
   * evicted early: when the cache is full, new proofs are refused (`replay_cache_full`) until entries expire,
   * so a flood delays logins with device proofs (at most 50 000 per 65 s by default) but never reopens a
   * used nonce.
   */
  readonly replayCacheSize?: number | undefined
}

/** One proof to verify: as received on a connection, with the nonce the server sent on that connection. */
export interface DeviceProofCheck {
  /** The `device` member of `connect` params; decoded here again, so raw input is fine. */
  readonly proof: unknown
  /** The nonce of this connection's challenge: a proof signed for any other nonce fails. */
  readonly nonce: string
  /**
   * The principal the connection authenticated as. When given, the device is `trusted` only if its pairing
   * was approved for this principal (a device paired by Alice gives Bob no trust). When omitted, any
   * approved pairing counts: use that only where no user is involved.
   */
  readonly principalId?: string | undefined
}

/** A device that proved possession of its key on this connection. */
export interface VerifiedDevice {
  readonly deviceId: string
  /** The raw 32-byte Ed25519 public key, base64url without padding. */
  readonly publicKey: string
  /** `trusted`: paired (approved, and for `principalId` when given); `verified`: proved, not paired. */
  readonly trust: Extract<TrustLevel, "trusted" | "verified">
  /** The scopes the device signed for: de-duplicated and sorted. */
  readonly scopes: ReadonlyArray<string>
  readonly signedAt: number
  /** The stored device, when it is paired. */
  readonly device?: DeviceRecord | undefined
}

/** Counters of the verifier's state. */
export interface DeviceProofVerifierStats {
  /** Nonces currently remembered against replay (never more than `replayCacheSize`). */
  readonly replayCacheEntries: number
}

/** Verifies device proofs of possession and says how far each device is trusted. */
export interface DeviceProofVerifierShape {
  /**
   * Checks a proof, in order: `unknown_algorithm`, `malformed`, `id_mismatch`, `bad_signature`, `stale`,
   * `replayed`, `revoked`. The nonce is used up once the proof is authentic and fresh, even if the device
   * then turns out revoked. A connection without a proof is `untrusted`; this service is not consulted.
   */
  verify(check: DeviceProofCheck): Effect.Effect<VerifiedDevice, DeviceError>
  readonly stats: Effect.Effect<DeviceProofVerifierStats>
}

const defaults = { maxClockSkewMs: 60_000, maxFutureSkewMs: 5_000, replayCacheSize: 50_000 } as const

/** Builds a verifier over the `DeviceStore`. Dies on invalid options (a configuration bug). */
export const makeDeviceProofVerifier = (
  options: DeviceProofVerifierOptions = {}
): Effect.Effect<DeviceProofVerifierShape, never, DeviceStore> =>
  Effect.gen(function* () {
    const maxClockSkewMs = options.maxClockSkewMs ?? defaults.maxClockSkewMs
    const replayCacheSize = options.replayCacheSize ?? defaults.replayCacheSize
    const maxFutureSkewMs = Math.min(options.maxFutureSkewMs ?? defaults.maxFutureSkewMs, maxClockSkewMs)
    if (!Number.isInteger(maxFutureSkewMs) || maxFutureSkewMs < 0) {
      return yield* Effect.die(new Error(`maxFutureSkewMs must be a non-negative integer, got ${maxFutureSkewMs}`))
    }
    if (!Number.isInteger(maxClockSkewMs) || maxClockSkewMs < 0) {
      return yield* Effect.die(new Error(`maxClockSkewMs must be a non-negative integer, got ${maxClockSkewMs}`))
    }
    if (!Number.isInteger(replayCacheSize) || replayCacheSize < 1) {
      return yield* Effect.die(new Error(`replayCacheSize must be a positive integer, got ${replayCacheSize}`))
    }
    const store = yield* DeviceStore
    // A proof is fresh from `signedAt - maxFutureSkewMs` to `signedAt + maxClockSkewMs`, and its nonce is
    // remembered from its first acceptance, which is within that window: this ttl covers the rest of it.
    const replayCache = new ReplayCache(replayCacheSize, maxClockSkewMs + maxFutureSkewMs)

    const verify = ({ proof, nonce, principalId }: DeviceProofCheck) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const proven = checkDeviceProof(proof, nonce, now, maxClockSkewMs, maxFutureSkewMs)
        if (proven instanceof DeviceError) return yield* proven
        const { deviceId } = proven
        const remembered = replayCache.remember(nonce, now)
        if (remembered === "replayed") {
          return yield* new DeviceError({
            operation: "proof",
            reason: "Replayed",
            deviceId,
            detail: "nonce already used"
          })
        }
        if (remembered === "full") {
          return yield* new DeviceError({
            operation: "proof",
            reason: "ReplayCacheFull",
            deviceId,
            detail: `${replayCacheSize} proofs accepted within ${maxClockSkewMs + maxFutureSkewMs} ms; try again shortly`
          })
        }
        const stored = Option.getOrUndefined(yield* store.getDevice(deviceId))
        if (stored?.status === "revoked") {
          return yield* new DeviceError({
            operation: "proof",
            reason: "Revoked",
            deviceId,
            detail: "device was revoked"
          })
        }
        // The id is a hash of the key, so a stored device with another key means a corrupted row: never trust it.
        const paired =
          stored !== undefined &&
          stored.publicKey === proven.publicKey &&
          (principalId === undefined || stored.principalId === principalId)
        return {
          deviceId,
          publicKey: proven.publicKey,
          trust: paired ? "trusted" : "verified",
          scopes: proven.scopes,
          signedAt: proven.signedAt,
          ...(paired ? { device: stored } : {})
        } satisfies VerifiedDevice
      })

    return {
      verify,
      stats: Effect.sync(() => ({ replayCacheEntries: replayCache.size }))
    }
  })

/** The device proof verifier service. */
export class DeviceProofVerifier extends Context.Service<DeviceProofVerifier, DeviceProofVerifierShape>()(
  "@coderclaw/security/DeviceProofVerifier"
) {
  /** A verifier with its own replay cache, reading pairings from the `DeviceStore`. */
  static readonly layer = (
    options: DeviceProofVerifierOptions = {}
  ): Layer.Layer<DeviceProofVerifier, never, DeviceStore> =>
    Layer.effect(DeviceProofVerifier, Effect.map(makeDeviceProofVerifier(options), DeviceProofVerifier.of))
}

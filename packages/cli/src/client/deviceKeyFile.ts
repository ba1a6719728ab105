import { type DeviceKey, exportDeviceKey, generateDeviceKey, importDeviceKey } from "@coderclaw/security"
import { Effect } from "effect"
import { type CliError, failedError } from "../cli/CliError.js"
import { type CliHome, readJsonFile, writeSecretFile } from "./CliHome.js"

/** The device key kept in `$CODERCLAW_HOME/device.json`, or `undefined` when this machine has none yet. */
export const readDeviceKey = (home: CliHome): Effect.Effect<DeviceKey | undefined, CliError> =>
  Effect.gen(function* () {
    const stored = yield* Effect.try({
      try: () => readJsonFile(home.deviceKeyFile),
      catch: (error) => failedError(`cannot read the device key ${home.deviceKeyFile}: ${(error as Error).message}`)
    })
    if (stored === undefined) return undefined
    return yield* importDeviceKey(stored).pipe(
      Effect.mapError((error) =>
        failedError(`the device key ${home.deviceKeyFile} is unusable: ${error.message}`, {
          hint: "move the file away to create a new device key (the new device must be paired again)"
        })
      )
    )
  })

/**
 * The device key of this machine: read from `$CODERCLAW_HOME/device.json`, or generated (Ed25519) and
 * written there with mode 0600 the first time.
 */
export const loadOrCreateDeviceKey = (home: CliHome): Effect.Effect<DeviceKey, CliError> =>
  Effect.gen(function* () {
    const existing = yield* readDeviceKey(home)
    if (existing !== undefined) return existing
    const key = generateDeviceKey()
    yield* Effect.try({
      try: () => writeSecretFile(home.dir, home.deviceKeyFile, exportDeviceKey(key)),
      catch: (error) => failedError(`cannot write the device key ${home.deviceKeyFile}: ${(error as Error).message}`)
    })
    return key
  })

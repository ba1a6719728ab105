import { Principal } from "@coderclaw/protocol"
import { Schema } from "effect"
import { type CliError, failedError } from "../cli/CliError.js"
import { type CliHome, readJsonFile, removeFile, writeSecretFile } from "./CliHome.js"

/** What `coderclaw login` keeps in `$CODERCLAW_HOME/session.json` (mode 0600). */
export const SavedSession = Schema.Struct({
  /** The server the session belongs to; later commands connect there unless `--server` says otherwise. */
  server: Schema.String,
  /** The session token the server issued (`hello.session.token`). */
  token: Schema.String,
  /**
   * The identity key the server proved at login (pinned like an SSH known host): the token is sent only to
   * a server that proves this key again. Sessions saved without one are refused: log in again.
   */
  serverKey: Schema.optionalKey(Schema.Struct({ keyId: Schema.String, publicKey: Schema.String })),
  expiresAt: Schema.Number,
  /** Who the server authenticated, as of the login. */
  principal: Principal,
  savedAt: Schema.Number
})
export type SavedSession = typeof SavedSession.Type

const decode = Schema.decodeUnknownSync(SavedSession)

/** The saved session, or `undefined` when nobody is logged in. An unreadable file fails (exit 1). */
export const readSession = (home: CliHome): SavedSession | undefined => {
  let stored: unknown
  try {
    stored = readJsonFile(home.sessionFile)
  } catch (error) {
    throw sessionFileError(home, (error as Error).message)
  }
  if (stored === undefined) return undefined
  try {
    return decode(stored)
  } catch {
    throw sessionFileError(home, "not a session written by coderclaw login")
  }
}

const sessionFileError = (home: CliHome, detail: string): CliError =>
  failedError(`cannot read ${home.sessionFile}: ${detail}`, { hint: "run `coderclaw logout`, then log in again" })

/** Saves the session with mode 0600. */
export const writeSession = (home: CliHome, session: SavedSession): void =>
  writeSecretFile(home.dir, home.sessionFile, session)

/** Deletes the saved session; `false` when there was none. */
export const deleteSession = (home: CliHome): boolean => removeFile(home.sessionFile)

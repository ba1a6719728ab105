/**
 * `@coderclaw/cli`: the `coderclaw` command and the pieces behind it, for apps that embed a server or run
 * commands in-process.
 *
 * - Serve: `startServer` assembles a complete server (SQLite journal and security in one file, built-in
 *   agents and workflows, authenticated WebSocket), configured like `coderclaw serve` (`RuntimeConfig`).
 * - Sign in: `signIn` opens an authenticated `RuntimeClient`; `addUser` and `approveDevice` provision a
 *   local user and pair their device on a running server.
 * - Commands: `run(argv, io)` runs one command line and resolves with its exit code.
 *
 * @packageDocumentation
 */

/** A device's Ed25519 key pair, to pass to `signIn` (re-exported from `@coderclaw/security`). */
export { type DeviceKey, generateDeviceKey } from "@coderclaw/security"
/** Creates a local account on a running server (audited); for apps that provision their users. */
/** Pairs a device that asked to be paired by signing in with its key; its next sign-in is `trusted`. */
export { type ApproveDeviceOptions, addUser, approveDevice, type HasSecurity, type NewUser } from "./app/accounts.js"
/** Connects and authenticates to a server (password or token, with a device proof); resolves after `hello`. */
export { type SignedIn, type SignInOptions, signIn } from "./app/signIn.js"
/** The one error a command ends with, its `reason` deciding the exit code. */
export { CliError, CliErrorReason } from "./cli/CliError.js"
/** The streams, environment and working directory a command runs with; `processIo()` is the process's own. */
export { type CliIo, type InputStream, type OutputStream, processIo } from "./cli/CliIo.js"
/** The exit codes of `coderclaw`: 0 success, 1 failed, 2 usage, 3 cannot reach or authenticate. */
export { ExitCode } from "./cli/ExitCode.js"
/** Runs one `coderclaw` command line in-process and resolves with its exit code. */
export { run } from "./cli/run.js"
/** The version of `@coderclaw/cli`. */
export { cliVersion } from "./cli/version.js"
/** `$CODERCLAW_HOME` (default `~/.coderclaw`): where the device key and the saved session live. */
export { type CliHome, cliHome } from "./client/CliHome.js"
/** The server a client command uses when nothing else names one: `ws://127.0.0.1:8787`. */
export { defaultServerUrl } from "./client/connect.js"
/** Loads `runtime.yaml` strictly (unknown keys refused), applies its defaults and resolves its paths. */
export {
  type LoadedRuntimeConfig,
  loadRuntimeConfig,
  parseRuntimeConfig,
  type ResolvedRuntimeConfig,
  resolveRuntimeConfig
} from "./config/loadRuntimeConfig.js"
/** Loads `security.yaml` (or the default: local accounts) the way `coderclaw serve` does. */
export { defaultSecurityConfig, loadSecurityFile } from "./config/loadSecurityFile.js"
/** The schema of `runtime.yaml` and its defaults. */
export { InspectConfig, LlmConfig, RuntimeConfig, runtimeDefaults } from "./config/RuntimeConfig.js"
/** The live bottom of a terminal (progress bars) under lines that stay, as `--wait` and `watch` draw it. */
export { type LiveRegion, makeLiveRegion, progressBar, type TerminalStream } from "./output/LiveRegion.js"
/** Starts a complete coderClaw server; `close()` stops it cleanly. */
export { type CoderclawServer, type StartServerOptions, startServer } from "./server/startServer.js"

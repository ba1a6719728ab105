import { readFileSync } from "node:fs"

// Read from the package's own package.json (one level above both `src/` and `dist/`), so the version the
// command reports is the one changesets wrote, never a copy that drifts.
const readVersion = (): string => {
  try {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      readonly version?: unknown
    }
    return typeof manifest.version === "string" ? manifest.version : "0.0.0"
  } catch {
    return "0.0.0"
  }
}

/** The version of `@coderclaw/cli`. */
export const cliVersion: string = readVersion()

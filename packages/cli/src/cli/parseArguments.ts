import type { JsonValue } from "@coderclaw/protocol"
import { InvalidArgumentError } from "commander"

/**
 * Parses a JSON argument (`--input '{"path":"src"}'`); invalid JSON is a usage error (exit 2) naming the
 * argument and where the text went wrong.
 */
export const parseJsonArgument =
  (what: string) =>
  (text: string): JsonValue => {
    try {
      return JSON.parse(text) as JsonValue
    } catch (error) {
      throw new InvalidArgumentError(`${what} is not valid JSON (${(error as Error).message})`)
    }
  }

/** Parses an integer option within bounds; anything else is a usage error. */
export const parseIntegerOption =
  (what: string, min: number, max: number) =>
  (text: string): number => {
    const value = Number(text)
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}`)
    }
    return value
  }

/** Collects a repeatable option, splitting comma-separated values: `--role a --role b,c` → `[a, b, c]`. */
export const collectList = (value: string, previous: ReadonlyArray<string> | undefined): Array<string> => [
  ...(previous ?? []),
  ...value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
]

const unitMs: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/**
 * Parses a point in time (ms since the epoch): a duration ago (`30m`, `2h`, `7d`, `1w`), or a date or date
 * and time as `Date` reads them (`2026-12-01`, `2026-12-01T09:30`, local time unless a zone is given).
 * `now` is injected so tests are exact.
 */
export const parseTimeOption =
  (what: string, now: () => number = Date.now) =>
  (text: string): number => {
    const ago = /^(\d+)\s*([smhdw])$/.exec(text.trim())
    if (ago !== null) return now() - Number(ago[1]) * (unitMs[ago[2] as string] as number)
    // A bare date is midnight local time (as people mean it), not midnight UTC as `Date` reads it.
    const date = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? new Date(`${text.trim()}T00:00`) : new Date(text)
    if (!/\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
      throw new InvalidArgumentError(
        `${what} must be a duration ago (30m, 2h, 7d, 1w) or a date (2026-12-01, 2026-12-01T09:30)`
      )
    }
    return date.getTime()
  }

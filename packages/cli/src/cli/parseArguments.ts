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

import { Result } from "effect"

/**
 * Parses JSON text without throwing: the one place the package turns peer bytes into a value. A failure
 * carries nothing, since the caller answers "not valid JSON" (or drops the frame) whatever the parser said.
 */
export const parseJson = (text: string): Result.Result<unknown, undefined> => {
  try {
    return Result.succeed(JSON.parse(text) as unknown)
  } catch {
    return Result.fail(undefined)
  }
}

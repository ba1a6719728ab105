import type { DetailedError } from "@cedar-policy/cedar-wasm/nodejs"

const position = (text: string, offset: number): string => {
  const before = text.slice(0, offset)
  const line = before.split("\n").length
  return `line ${line}, column ${offset - before.lastIndexOf("\n")}`
}

/** Cedar's errors as one line each, with the position in `text` when Cedar gives one. */
export const describeCedarErrors = (errors: ReadonlyArray<DetailedError>, text?: string): ReadonlyArray<string> =>
  errors.map((error) => {
    const location = error.sourceLocations?.[0]
    const where = location === undefined || text === undefined ? "" : ` at ${position(text, location.start)}`
    const label = location?.label ? ` (${location.label})` : ""
    const help = error.help ? `; ${error.help}` : ""
    return `${error.message}${where}${label}${help}`
  })

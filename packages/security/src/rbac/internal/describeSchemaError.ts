import { invalidRequestFrom } from "@coderclaw/protocol"
import type { Schema } from "effect"

const formatPath = (path: ReadonlyArray<string | number>): string =>
  path.length === 0
    ? "(root)"
    : path.reduce<string>(
        (text, key) => (typeof key === "number" ? `${text}[${key}]` : text === "" ? key : `${text}.${key}`),
        ""
      )

/** One line per schema issue, `field.path[0].name: message`, so the user sees which field to fix. */
export const describeSchemaError = (error: Schema.SchemaError): ReadonlyArray<string> =>
  invalidRequestFrom("configuration", error).issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`)

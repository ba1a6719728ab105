import { type ErrorCode, errorCodes } from "../ErrorCode.js"
import { Limits } from "../Limits.js"
import { taskFailureCodes } from "../TaskFailureCode.js"
import { MIN_SUPPORTED_PROTOCOL_VERSION, PROTOCOL_VERSION } from "../version.js"
import { commonMethodErrors, wireMethodContracts } from "../wire/methodContracts.js"
import { methodPermissions } from "../wire/methodPermissions.js"
import { wireMethodNames, wireMethods, wireNotifications } from "../wire/methods.js"
import { type JsonSchemaObject, jsonSchemaOf } from "./jsonSchemaOf.js"
import { eventSchemaNames, type MessageSchemaName, messageSchemas } from "./messageSchemas.js"
import { frameErrors, notificationDescriptions } from "./openRpcDocument.js"

/** The command that rewrites the generated reference files. */
export const regenerateCommand = "pnpm --filter @coderclaw/protocol generate"

type Js = JsonSchemaObject

const safeBound = 9_007_199_254_740_991
const anchor = (name: string) => `#${name.toLowerCase().replaceAll(/[^a-z0-9-]/g, "")}`
const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ")
const catalogued = new Set<string>(Object.keys(messageSchemas))

const parts = (schema: Js): ReadonlyArray<Js> => [schema, ...((schema.allOf ?? []) as ReadonlyArray<Js>)]

/** A short, readable type: `string`, `"a" \| "b"`, `array of TaskRecord`, a link to a catalogued type. */
const typeOf = (schema: Js, top = false): string => {
  if (!top && typeof schema.title === "string" && catalogued.has(schema.title))
    return `[${schema.title}](${anchor(schema.title)})`
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(" \\| ")
  const union = (schema.anyOf ?? schema.oneOf) as ReadonlyArray<Js> | undefined
  if (union !== undefined) return union.map((member) => typeOf(member)).join(" \\| ")
  switch (schema.type) {
    case "array":
      return `array of ${typeOf((schema.items ?? {}) as Js)}`
    case "object":
      if (schema.properties === undefined && typeof schema.additionalProperties === "object")
        return `map of string → ${typeOf(schema.additionalProperties as Js)}`
      return "object"
    case undefined:
      return "any JSON value"
    default:
      return String(schema.type)
  }
}

/** Limits and formats: lengths, ranges, patterns, sizes. */
const constraintsOf = (schema: Js): string => {
  const found: Array<string> = []
  for (const part of parts(schema)) {
    if (typeof part.minLength === "number" && part.minLength > 0) found.push(`length ≥ ${part.minLength}`)
    if (typeof part.maxLength === "number") found.push(`length ≤ ${part.maxLength}`)
    if (typeof part.minimum === "number" && part.minimum !== -safeBound) found.push(`≥ ${part.minimum}`)
    if (typeof part.maximum === "number" && part.maximum !== safeBound) found.push(`≤ ${part.maximum}`)
    if (typeof part.minItems === "number") found.push(`≥ ${part.minItems} items`)
    if (typeof part.maxItems === "number") found.push(`≤ ${part.maxItems} items`)
    if (typeof part.maxProperties === "number") found.push(`≤ ${part.maxProperties} entries`)
    if (typeof part.format === "string") found.push(`format ${part.format}`)
    if (typeof part.pattern === "string" && part.format === undefined) found.push(`pattern \`${part.pattern}\``)
  }
  return [...new Set(found)].join(", ")
}

const describe = (schema: Js): string => (typeof schema.description === "string" ? schema.description : "")

/** The rows of an object's field table, descending into nested anonymous objects (`progress.percent`). */
const rows = (schema: Js, prefix = ""): Array<string> => {
  const properties = (schema.properties ?? {}) as Record<string, Js>
  const required = new Set((schema.required ?? []) as ReadonlyArray<string>)
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = `${prefix}${name}`
    const defaultValue = property.default === undefined ? "" : `\`${JSON.stringify(property.default)}\``
    const row = `| \`${path}\` | ${typeOf(property)} | ${required.has(name) ? "yes" : "no"} | ${defaultValue} | ${cell(constraintsOf(property))} | ${cell(describe(property))} |`
    const nested =
      property.type === "object" && property.properties !== undefined && !catalogued.has(String(property.title))
    const items = (property.items ?? {}) as Js
    const nestedItems =
      property.type === "array" && items.properties !== undefined && !catalogued.has(String(items.title))
    return [row, ...(nested ? rows(property, `${path}.`) : []), ...(nestedItems ? rows(items, `${path}[].`) : [])]
  })
}

const fieldTable = (schema: Js): string => {
  if (schema.type === "object" && schema.properties === undefined && schema.additionalProperties === false)
    return "None: omit `params` or send `{}`."
  if (schema.type !== "object" || schema.properties === undefined) return `Type: ${typeOf(schema, true)}.`
  const body = rows(schema)
  if (body.length === 0) return "No fields: `{}` or omitted."
  return [
    "| field | type | required | default | limits | meaning |",
    "| --- | --- | --- | --- | --- | --- |",
    ...body
  ].join("\n")
}

const section = (level: string, name: string, schema: Js): string => {
  const description = describe(schema)
  return [`${level} ${name}`, "", ...(description === "" ? [] : [description, ""]), fieldTable(schema), ""].join("\n")
}

const methodSection = (method: (typeof wireMethodNames)[number]): string => {
  const contract = wireMethodContracts[method]
  const params = jsonSchemaOf(contract.params)
  const result = jsonSchemaOf(wireMethods[method].result)
  const errors = method === "connect" ? ["INVALID_REQUEST", "UNAUTHENTICATED", ...contract.errors] : contract.errors
  return [
    `### \`${method}\``,
    "",
    `${contract.summary} ${contract.description}`,
    "",
    `Since version ${wireMethods[method].since}. Permission: \`${methodPermissions[method]}\`.`,
    "",
    "**Params**",
    "",
    fieldTable(params),
    "",
    "**Result**",
    "",
    result.type === "object" && result.properties !== undefined && !catalogued.has(String(result.title))
      ? fieldTable(result)
      : `${typeOf(result)}.`,
    "",
    `**Errors**: ${method === "connect" ? "" : "the common ones, and "}${
      errors.length === 0 ? "no others" : errors.map((code) => `[\`${code}\`](#error-codes)`).join(", ")
    }.`,
    ""
  ].join("\n")
}

const typeNames: ReadonlyArray<MessageSchemaName> = (Object.keys(messageSchemas) as Array<MessageSchemaName>).filter(
  (name) => !(eventSchemaNames as ReadonlyArray<string>).includes(name) && !name.startsWith("JsonRpc")
)

/**
 * The protocol reference in Markdown: every method's params and result, every notification and event
 * type, every catalogued type's fields (type, required, default, limits, meaning), the error codes and the
 * task failure codes. Generated from the schemas; `docs/protocol-reference.md` is this text.
 */
export const renderProtocolReference = (): string =>
  [
    "# coderClaw wire protocol reference",
    "",
    `<!-- Generated from the schemas of @coderclaw/protocol. Do not edit: run \`${regenerateCommand}\`. -->`,
    "",
    `Protocol version **${PROTOCOL_VERSION}** (minimum supported: ${MIN_SUPPORTED_PROTOCOL_VERSION}). The prose (handshake, streams,`,
    "limits, reconnecting) is in [protocol.md](protocol.md); the same contract, machine-readable, is",
    "[openrpc.json](openrpc.json) (OpenRPC 1.3) and one JSON Schema (draft 2020-12) per message in",
    "[schemas/](schemas/).",
    "",
    "Conventions: params are an object; objects are closed (an unknown member is refused with `-32602` naming",
    'it); "required: no" fields may be omitted (never sent as `null`); times are integers, ms since the Unix epoch',
    "(UTC); lengths count UTF-16 code units.",
    "",
    "## Methods",
    "",
    `Every method after \`connect\` can also answer with the common errors: ${commonMethodErrors.map((code) => `\`${code}\``).join(", ")}.`,
    "",
    ...wireMethodNames.map(methodSection),
    "## Notifications (server → client)",
    "",
    ...Object.entries(wireNotifications).flatMap(([name, schema]) => [
      section("###", `\`${name}\``, {
        ...jsonSchemaOf(schema),
        description: notificationDescriptions[name as keyof typeof wireNotifications]
      })
    ]),
    "## Event types",
    "",
    "`event` in a `task.event` (and in `TaskEventEnvelope`) is one of these, discriminated on `type`.",
    "",
    ...eventSchemaNames.map((name) => section("###", name, jsonSchemaOf(messageSchemas[name]))),
    "## Types",
    "",
    ...typeNames.map((name) => section("###", name, jsonSchemaOf(messageSchemas[name]))),
    "## Error codes",
    "",
    "A failed response's `error.code` is the JSON-RPC code; `error.data` is an [ErrorInfo](#errorinfo) whose",
    "`code` is the code to branch on and whose `details` holds the typed error's `_tag` and fields.",
    "",
    "| JSON-RPC code | `data.code` | retryable | meaning |",
    "| --- | --- | --- | --- |",
    ...frameErrors.map(({ code, meaning }) => `| ${code} | \`INVALID_REQUEST\` | no | ${cell(meaning)} |`),
    ...(Object.keys(errorCodes) as Array<ErrorCode>).map(
      (code) =>
        `| ${errorCodes[code].jsonRpcCode} | \`${code}\` | ${errorCodes[code].retryable ? "yes" : "no"} | ${cell(errorCodes[code].meaning)} |`
    ),
    "",
    "## Task failure codes",
    "",
    "A `failed` task's `error.code` (also in `attempt_failed` events and a workflow's step outcomes). Agents may",
    "add codes of their own (UPPER_SNAKE_CASE); these are the ones the project emits.",
    "",
    "| code | from | meaning |",
    "| --- | --- | --- |",
    ...Object.entries(taskFailureCodes).map(
      ([code, { source, meaning }]) => `| \`${code}\` | ${source} | ${cell(meaning)} |`
    ),
    "",
    "## Limits",
    "",
    "| limit | value |",
    "| --- | --- |",
    ...Object.entries(Limits).map(([name, value]) => `| \`${name}\` | ${value} |`),
    ""
  ].join("\n")

import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import jsonSchemaToolsMetaSchema from "@json-schema-tools/meta-schema"
import openRpcMetaSchema from "@open-rpc/meta-schema"
import { Ajv } from "ajv"
import { Ajv2020 } from "ajv/dist/2020.js"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { jsonSchemaOf } from "../src/reference/jsonSchemaOf.js"
import { messageSchemas } from "../src/reference/messageSchemas.js"
import { openRpcDocument } from "../src/reference/openRpcDocument.js"
import { referenceFiles } from "../src/reference/referenceFiles.js"
import { regenerateCommand } from "../src/reference/renderProtocolReference.js"
import { wireMethodContracts } from "../src/wire/methodContracts.js"
import { wireMethodNames, wireMethods } from "../src/wire/methods.js"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const files = referenceFiles()

const committed = (path: string): string | undefined => {
  try {
    return readFileSync(join(root, path), "utf8")
  } catch {
    return undefined
  }
}

const listed = (dir: string): Array<string> =>
  readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))

describe("the generated protocol reference", () => {
  it(`matches the schemas (run \`${regenerateCommand}\` to regenerate)`, () => {
    const stale = files.filter((file) => committed(file.path) !== file.content).map((file) => file.path)
    expect(stale, `stale or missing generated files: run \`${regenerateCommand}\` to regenerate`).toEqual([])
    const extra = listed("docs/schemas").filter((path) => !files.some((file) => file.path === path))
    expect(extra, `files no schema describes: run \`${regenerateCommand}\` to regenerate`).toEqual([])
  })

  it("is a valid OpenRPC 1.3 document listing every method and notification", () => {
    // The OpenRPC meta-schema describes its JSON Schemas by reference to json-schema.tools' meta-schema.
    const { $schema: _, ...metaSchema } = openRpcMetaSchema as unknown as Record<string, unknown>
    const { $schema: __, ...schemaMetaSchema } = jsonSchemaToolsMetaSchema as unknown as Record<string, unknown>
    const ajv = new Ajv({ strict: false, allErrors: true })
    ajv.addSchema(schemaMetaSchema, "https://meta.json-schema.tools")
    const validate = ajv.compile(metaSchema)
    const document = openRpcDocument()
    const valid = validate(document)
    expect(validate.errors ?? [], "OpenRPC meta-schema violations").toEqual([])
    expect(valid).toBe(true)
    expect(document.methods.map((method) => method.name)).toEqual([...wireMethodNames])
    expect(document["x-notifications"].map((notification) => notification.name)).toEqual([
      "connect.challenge",
      "task.event",
      "task.end",
      "worker.dispatch",
      "worker.abort"
    ])
    // A document the meta-schema refuses proves the validator is not waving everything through.
    expect(validate({ ...document, openrpc: "9.9.9" })).toBe(false)
  })

  it("gives every method its error codes and their meanings", () => {
    const document = openRpcDocument()
    const submit = document.methods.find((method) => method.name === "task.submit")
    expect(submit?.errors.map((error) => error.$ref)).toContain("#/components/errors/AGENT_NOT_FOUND")
    expect(document.components.errors.TASK_NOT_FOUND).toMatchObject({ code: -32004, message: "TASK_NOT_FOUND" })
    expect(document["x-task-failure-codes"]).toHaveProperty("APPROVAL_DENIED")
    expect(document["x-task-failure-codes"]).toHaveProperty("NO_TEST_COMMAND")
  })

  it("compiles every JSON Schema with a draft 2020-12 validator", () => {
    const ajv = new Ajv2020({ strict: false, formats: { uuid: true } })
    for (const file of files.filter((each) => each.path.endsWith(".json") && each.path.startsWith("docs/schemas"))) {
      expect(() => ajv.compile(JSON.parse(file.content)), file.path).not.toThrow()
    }
  })

  it("documents exactly the params keys the wire accepts", () => {
    const keysOf = (schema: Schema.Top) => Object.keys((jsonSchemaOf(schema).properties ?? {}) as object).sort()
    for (const method of wireMethodNames) {
      expect(keysOf(wireMethodContracts[method].params), method).toEqual(keysOf(wireMethods[method].params))
    }
  })

  it("agrees with the Effect decoders on valid and invalid messages", () => {
    const ajv = new Ajv2020({ strict: false, formats: { uuid: true } })
    const submit = ajv.compile(jsonSchemaOf(messageSchemas.SubmitRequest))
    const good = { agentId: "echo", description: "hi", priority: 5, metadata: { repo: "x" } }
    expect(submit(good)).toBe(true)
    expect(Schema.is(messageSchemas.SubmitRequest)(good)).toBe(true)
    for (const bad of [
      { agentId: "echo", descripton: "typo" },
      { agentId: "echo", description: "" },
      { agentId: "echo", description: "hi", priority: 101 },
      { agentId: "-bad", description: "hi" },
      { agentId: "echo", description: "hi", idempotencyKey: "has space" }
    ]) {
      expect(submit(bad), JSON.stringify(bad)).toBe(false)
    }
    const filter = ajv.compile(jsonSchemaOf(messageSchemas.TaskFilter))
    expect(filter({ status: ["running", "waiting"] })).toBe(true)
    expect(filter({ status: "running" })).toBe(false)
    const page = ajv.compile(jsonSchemaOf(messageSchemas.PageRequest))
    expect(page({ limit: 500 })).toBe(true)
    expect(page({ limit: 501 })).toBe(false)
    expect(page({ limit: 0 })).toBe(false)
  })
})

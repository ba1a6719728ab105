import { boundaryParseOptions, type JsonValue, wireMethods } from "@coderclaw/protocol"
import type { AgentDefinition } from "@coderclaw/runtime"
import { Ajv2020 } from "ajv/dist/2020.js"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { builtinAgents, builtinSkills, roleAgentIds, roleAliases } from "../src/index.js"
import { startRuntime } from "./support/harness.js"

const options = { root: "/srv/repositories/demo", llm: { baseUrl: "http://127.0.0.1:9/v1", model: "m" } } as const
const agents = builtinAgents(options)
const withAliases = [...agents, ...roleAliases(agents, roleAgentIds({ llm: true }))]

/** A JSON Schema validator held to the standard: unknown keywords and formats are errors, not ignored. */
const ajv = new Ajv2020({ strict: true, allErrors: true })

const declared = (agent: AgentDefinition) => {
  const { input } = agent
  const described = agent.descriptor.input
  if (input === undefined || described === undefined) throw new Error(`${agent.descriptor.id} declares no input`)
  return { schema: input.schema, jsonSchema: described.schema, example: described.example }
}

describe("the built-in agents' inputs", () => {
  for (const agent of withAliases) {
    const id = agent.descriptor.id
    it(`${id}: the example decodes with the agent's Schema and is valid against its JSON Schema`, () => {
      const { schema, jsonSchema, example } = declared(agent)
      expect(example).toBeDefined()
      expect(() => Schema.decodeUnknownSync(schema, boundaryParseOptions)(example)).not.toThrow()
      const validate = ajv.compile(jsonSchema)
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true)
      // The JSON Schema is not a blank cheque: what the agent refuses, it refuses too.
      expect(validate({ notAnInputField: 1 })).toBe(false)
      expect(() => Schema.decodeUnknownSync(schema, boundaryParseOptions)({ notAnInputField: 1 })).toThrow()
    })
  }

  it("reach a caller through the client and survive the wire schema of agent.list", async () => {
    const client = startRuntime({ agents, skills: builtinSkills(options) })
    const listed = await client.listAgents()
    const wire = wireMethods["agent.list"].result
    const decoded = Schema.decodeUnknownSync(
      wire,
      boundaryParseOptions
    )(JSON.parse(JSON.stringify(Schema.encodeSync(wire)(listed))))
    for (const agent of agents) {
      const found = decoded.find((descriptor) => descriptor.id === agent.descriptor.id)
      expect(found?.input).toEqual(agent.descriptor.input)
    }
    const scanner = decoded.find((descriptor) => descriptor.id === "repo-scanner")
    expect(scanner?.input?.schema).toMatchObject({
      type: "object",
      additionalProperties: false,
      properties: { path: { type: "string" }, maxTodos: { type: "integer", minimum: 0, maximum: 10_000 } }
    })
    expect(scanner?.input?.example).toEqual({ path: ".", maxTodos: 50 } satisfies JsonValue)
  })
})

import { AgentDescriptor, boundaryParseOptions } from "@coderclaw/protocol"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { defineAgent, defineAsyncAgent, inputJsonSchema } from "../src/index.js"

const GreetInput = Schema.Struct({
  name: Schema.String.pipe(Schema.check(Schema.isMinLength(1))),
  times: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 3 }))))
})

describe("defineAgent's input", () => {
  it("puts the input's JSON Schema and example on the descriptor, which the wire schema carries", () => {
    const agent = defineAgent({
      id: "greet",
      name: "Greet",
      input: { schema: GreetInput, example: { name: "Ada", times: 2 } },
      run: () => Effect.succeed(null)
    })
    expect(agent.input?.schema).toBe(GreetInput)
    expect(agent.descriptor.input).toEqual({
      schema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: {
          name: { type: "string", minLength: 1 },
          times: { type: "integer", minimum: 1, maximum: 3 }
        },
        required: ["name"],
        additionalProperties: false
      },
      example: { name: "Ada", times: 2 }
    })
    const wire = JSON.parse(JSON.stringify(Schema.encodeSync(AgentDescriptor)(agent.descriptor)))
    expect(Schema.decodeUnknownSync(AgentDescriptor, boundaryParseOptions)(wire)).toEqual(agent.descriptor)
  })

  it("leaves the input out of the descriptor of an agent that declares none", () => {
    const agent = defineAsyncAgent({ id: "plain", name: "Plain", run: async () => null })
    expect("input" in agent.descriptor).toBe(false)
    expect(agent.input).toBeUndefined()
  })

  it("declares the input of an async agent too, example optional", () => {
    const agent = defineAsyncAgent({ id: "plain", name: "Plain", input: { schema: GreetInput }, run: async () => null })
    expect(agent.descriptor.input).toEqual({ schema: inputJsonSchema(GreetInput) })
  })

  it("refuses an example that does not match the schema, naming the agent", () => {
    const define = (example: unknown) => () =>
      defineAgent({
        id: "greet",
        name: "Greet",
        input: { schema: GreetInput, example: example as never },
        run: () => Effect.succeed(null)
      })
    expect(define({ name: "" })).toThrow("agent greet: the input example does not match its schema")
    expect(define({ name: "Ada", extra: true })).toThrow("agent greet")
  })

  it("keeps shared definitions in $defs of one self-contained schema", () => {
    const Path = Schema.String.annotate({ identifier: "Path" })
    const schema = inputJsonSchema(Schema.Struct({ from: Path, to: Path }))
    expect(schema.$defs).toEqual({ Path: { type: "string" } })
    expect(schema.properties).toEqual({ from: { $ref: "#/$defs/Path" }, to: { $ref: "#/$defs/Path" } })
  })
})

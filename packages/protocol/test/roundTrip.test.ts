import { Arbitrary, Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  AgentDescriptor,
  boundaryParseOptions,
  ErrorInfo,
  Principal,
  RuntimeStatus,
  SkillDescriptor,
  SubmitRequest,
  TaskEvent,
  TaskEventEnvelope,
  TaskFilter,
  TaskPage,
  TaskRecord,
  WorkflowDefinition
} from "../src/index.js"

// Every schema that crosses a boundary: generated values must survive encode → JSON text → decode unchanged.
const boundarySchemas = {
  SubmitRequest,
  TaskRecord,
  TaskEvent,
  TaskEventEnvelope,
  TaskFilter,
  TaskPage,
  AgentDescriptor,
  SkillDescriptor,
  RuntimeStatus,
  Principal,
  WorkflowDefinition,
  ErrorInfo
} as const

const roundTrip = <S extends Schema.Codec<unknown, unknown>>(schema: S, value: S["Type"]): unknown => {
  const wire = JSON.stringify(Schema.encodeSync(schema)(value))
  return Schema.decodeUnknownSync(schema, boundaryParseOptions)(JSON.parse(wire))
}

// JSON has no negative zero: `-0` is written as `0`. Every other value must come back exactly.
const withoutNegativeZero = (value: unknown): unknown =>
  Object.is(value, -0)
    ? 0
    : Array.isArray(value)
      ? value.map(withoutNegativeZero)
      : typeof value === "object" && value !== null
        ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutNegativeZero(item)]))
        : value

describe("schema round-trips", () => {
  for (const [name, schema] of Object.entries(boundarySchemas)) {
    it(`${name}: generated values survive encode → JSON → decode`, async () => {
      const samples = await Effect.runPromise(
        Arbitrary.sampleEffect(Arbitrary.schema(schema as Schema.Codec<unknown, unknown>), { count: 200, seed: name })
      )
      expect(samples.length).toBe(200)
      for (const value of samples) {
        expect(roundTrip(schema as Schema.Codec<unknown, unknown>, value)).toEqual(withoutNegativeZero(value))
      }
    })
  }

  it("keeps every event type distinguishable on the wire", () => {
    const types = TaskEvent.members.map((member) => member.fields.type.literal)
    expect(new Set(types).size).toBe(types.length)
    expect(types).toEqual(
      expect.arrayContaining([
        "created",
        "status_changed",
        "progress",
        "output",
        "log",
        "input_requested",
        "input_provided",
        "child_spawned",
        "attempt_failed"
      ])
    )
  })
})

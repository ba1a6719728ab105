import { wireMethodContracts } from "../wire/methodContracts.js"
import { wireMethodNames, wireMethods } from "../wire/methods.js"
import { jsonSchemaOf } from "./jsonSchemaOf.js"
import { messageSchemas } from "./messageSchemas.js"
import { openRpcDocument } from "./openRpcDocument.js"
import { renderProtocolReference } from "./renderProtocolReference.js"

/** One generated file: its path from the repository root and its content. */
export interface ReferenceFile {
  readonly path: string
  readonly content: string
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

/**
 * Every file of the generated protocol reference: `docs/schemas/<Name>.json` per catalogued message,
 * `docs/schemas/methods/<method>.params.json` / `.result.json` per method, `docs/openrpc.json` and
 * `docs/protocol-reference.md`. Pure: the generator script writes them, a test compares them.
 */
export const referenceFiles = (): ReadonlyArray<ReferenceFile> => [
  ...Object.entries(messageSchemas).map(([name, schema]) => ({
    path: `docs/schemas/${name}.json`,
    content: json(jsonSchemaOf(schema))
  })),
  ...wireMethodNames.flatMap((method) => [
    {
      path: `docs/schemas/methods/${method}.params.json`,
      content: json(jsonSchemaOf(wireMethodContracts[method].params))
    },
    { path: `docs/schemas/methods/${method}.result.json`, content: json(jsonSchemaOf(wireMethods[method].result)) }
  ]),
  { path: "docs/openrpc.json", content: json(openRpcDocument()) },
  { path: "docs/protocol-reference.md", content: renderProtocolReference() }
]

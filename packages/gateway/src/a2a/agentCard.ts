import type { AgentCard, AgentSkill, SecurityScheme } from "@a2a-js/sdk"
import type { AgentDescriptor } from "@coderclaw/protocol"

/** The URI of the card extension that carries each skill's input JSON Schema and example (A2A skills have no field for it). */
export const inputSchemaExtensionUri = "https://coderclaw.dev/a2a/extensions/input-schema/v1"

/** The paths of the A2A bindings, under the server's base URL. */
export const a2aPaths = { jsonRpc: "/a2a/jsonrpc", rest: "/a2a/rest" } as const

/** What the card says about the server beyond its agents. */
export interface AgentCardOptions {
  /** The URL clients reach the server at, e.g. `http://127.0.0.1:8787` (no trailing slash). */
  readonly baseUrl: string
  readonly name?: string
  readonly description?: string
  /** The server's version. */
  readonly version: string
  /**
   * More security schemes than the bearer token, e.g. `openIdConnectSecurityScheme` for a configured issuer.
   * Every scheme is presented as a bearer token in the end: the card tells clients where to get one.
   */
  readonly securitySchemes?: Readonly<Record<string, SecurityScheme>>
}

const bearer: SecurityScheme = {
  scheme: {
    $case: "httpAuthSecurityScheme",
    value: {
      description:
        "A coderClaw session token, an OIDC or Google ID token, or a GitHub Actions OIDC token, as `Authorization: Bearer <token>`.",
      scheme: "Bearer",
      bearerFormat: "JWT"
    }
  }
}

const skillOf = (agent: AgentDescriptor): AgentSkill => ({
  id: agent.id,
  name: agent.name,
  description: agent.description,
  tags: [...agent.capabilities],
  examples: agent.input?.example === undefined ? [] : [JSON.stringify(agent.input.example)],
  inputModes: ["application/json", "text/plain"],
  outputModes: ["application/json", "text/plain"],
  securityRequirements: []
})

/**
 * The A2A agent card of a server: one skill per registered agent (send a message with `metadata.agentId`
 * set to the skill's id), the input schemas in the `input-schema` extension, the JSON-RPC and HTTP+JSON
 * interfaces, and bearer-token security required for everything but the card itself.
 */
export const agentCard = (agents: ReadonlyArray<AgentDescriptor>, options: AgentCardOptions): AgentCard => {
  const schemes = { bearer, ...options.securitySchemes }
  const inputs = Object.fromEntries(
    agents.flatMap((agent) => (agent.input === undefined ? [] : [[agent.id, agent.input]]))
  )
  return {
    name: options.name ?? "coderClaw",
    description:
      options.description ??
      "A coderClaw runtime: durable, supervised agent tasks. Each skill is an agent; name it in the message's metadata.agentId.",
    supportedInterfaces: [
      { url: `${options.baseUrl}${a2aPaths.jsonRpc}`, protocolBinding: "JSONRPC", tenant: "", protocolVersion: "1.0" },
      { url: `${options.baseUrl}${a2aPaths.rest}`, protocolBinding: "HTTP+JSON", tenant: "", protocolVersion: "1.0" }
    ],
    provider: undefined,
    version: options.version,
    capabilities: {
      streaming: true,
      pushNotifications: false,
      extendedAgentCard: false,
      extensions: [
        {
          uri: inputSchemaExtensionUri,
          description: "The JSON Schema (and an example) of each skill's input, by skill id.",
          required: false,
          params: { skills: inputs }
        }
      ]
    },
    securitySchemes: schemes,
    securityRequirements: Object.keys(schemes).map((name) => ({ schemes: { [name]: { list: [] } } })),
    defaultInputModes: ["application/json", "text/plain"],
    defaultOutputModes: ["application/json", "text/plain"],
    skills: agents.map(skillOf),
    signatures: []
  }
}

import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type CoderclawServer, startServer } from "../src/server/startServer.js"
import { jsonLines, removeDir, runCli, tempDir, testAgents, testSkills } from "./support/harness.js"

const ISSUER_PATH = "/issuer"
const AUDIENCE = "coderclaw-ci"
const REPO_ID = "74"
const OWNER_ID = "65"
const WORKFLOW = "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main"
const REQUEST_TOKEN = "runner-request-token"

let dir: string
let home: string
let server: CoderclawServer
let tokenService: Server
let serviceUrl: string
let signingKey: CryptoKey
let strangerKey: CryptoKey
let publicJwk: JWK

/** An Actions ID token as GitHub's token service mints it, signed with `key`. */
const mint = (key: CryptoKey, audience: string, extra: Record<string, unknown> = {}) =>
  new SignJWT({
    sub: "repo:octo-org/octo-repo:ref:refs/heads/main",
    repository: "octo-org/octo-repo",
    repository_id: REPO_ID,
    repository_owner: "octo-org",
    repository_owner_id: OWNER_ID,
    ref: "refs/heads/main",
    event_name: "push",
    job_workflow_ref: WORKFLOW,
    workflow_ref: WORKFLOW,
    run_id: "42",
    ...extra
  })
    .setProtectedHeader({ alg: "RS256", kid: "gh-test", typ: "JWT" })
    .setIssuer(`${serviceUrl}${ISSUER_PATH}`)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(key)

/**
 * A stand-in for GitHub on loopback: its JWKS (what the server verifies tokens against) and the runner's
 * token service (what `ci submit` asks for a token, with the request token and an audience).
 */
const startTokenService = async (): Promise<void> => {
  tokenService = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost")
    if (url.pathname === "/jwks") {
      response.setHeader("content-type", "application/json")
      response.end(JSON.stringify({ keys: [publicJwk] }))
      return
    }
    if (url.pathname === "/token" && request.headers.authorization === `bearer ${REQUEST_TOKEN}`) {
      void mint(signingKey, url.searchParams.get("audience") ?? "").then((value) => {
        response.setHeader("content-type", "application/json")
        response.end(JSON.stringify({ value }))
      })
      return
    }
    response.writeHead(401).end()
  })
  await new Promise<void>((resolve) => tokenService.listen(0, "127.0.0.1", resolve))
  serviceUrl = `http://127.0.0.1:${(tokenService.address() as AddressInfo).port}`
}

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true })
  signingKey = pair.privateKey
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "gh-test", alg: "RS256", use: "sig" }
  strangerKey = (await generateKeyPair("RS256")).privateKey
  await startTokenService()
  dir = await tempDir("ci")
  home = await tempDir("ci-home")
  server = await startServer({
    cwd: dir,
    config: { port: 0, database: "db/coderclaw.db" },
    agents: testAgents,
    skills: testSkills,
    env: {},
    security: {
      sessions: { issuer: "coderclaw-local", audience: "coderclaw" },
      providers: {
        local: {},
        githubActions: {
          issuer: `${serviceUrl}${ISSUER_PATH}`,
          jwks: { url: `${serviceUrl}/jwks` },
          audience: AUDIENCE,
          repositoryId: REPO_ID,
          repositoryOwnerId: OWNER_ID,
          refs: ["refs/heads/main"],
          workflows: [WORKFLOW]
        }
      }
    }
  })
})

afterAll(async () => {
  await server?.close()
  await new Promise((resolve) => tokenService?.close(resolve))
  await removeDir(dir)
  await removeDir(home)
})

/** `coderclaw ci submit …` as a GitHub Actions step would run it: the runner's token service in the environment. */
const ciSubmit = (argv: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  runCli(["ci", "submit", ...argv], {
    home,
    cwd: dir,
    env: {
      CODERCLAW_SERVER: server.url,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${serviceUrl}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
      GITHUB_REPOSITORY: "octo-org/octo-repo",
      GITHUB_RUN_ID: "42",
      ...env
    }
  })

describe("coderclaw ci submit", () => {
  it("authenticates with the job's Actions token as role ci, streams the task and exits 0 when it completes", async () => {
    const ran = await ciSubmit(["--json", "--audience", AUDIENCE, "echo", '{"build":7}'])
    expect(ran.code, ran.stderr).toBe(0)
    const lines = jsonLines(ran.stdout)
    const final = lines.at(-1)?.task as {
      status: string
      result: unknown
      owner: string
      ownerPrincipal: { roles: Array<string> }
    }
    expect(final).toMatchObject({ status: "completed", result: { echoed: { build: 7 } } })
    expect(final.owner).toMatch(/^github-actions:/)
    expect(final.ownerPrincipal.roles).toEqual(["ci"])
    expect(lines.some((line) => JSON.stringify(line).includes("halfway"))).toBe(true)
  })

  it("prints progress and the outcome as plain lines for the job log", async () => {
    const ran = await ciSubmit(["--audience", AUDIENCE, "echo", '"hello"'])
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stdout).toContain("Submitted echo task")
    expect(ran.stdout).toMatch(/halfway/)
    expect(ran.stdout).toMatch(/completed/i)
  })

  it("exits 1 when the task fails", async () => {
    const ran = await ciSubmit(["--audience", AUDIENCE, "fail"])
    expect(ran.code).toBe(1)
    expect(ran.stdout).toMatch(/failed/i)
  })

  it("exits 3 when the server refuses the token: a token for another audience, or from another key", async () => {
    expect((await ciSubmit(["echo"])).code).toBe(3)
    const forged = await mint(strangerKey, AUDIENCE)
    const ran = await ciSubmit(["--token-env", "MY_TOKEN", "echo"], { MY_TOKEN: forged })
    expect(ran.code).toBe(3)
  })

  it("takes the token from --token-env, and exits 2 without any token", async () => {
    const token = await mint(signingKey, AUDIENCE)
    expect((await ciSubmit(["--token-env", "MY_TOKEN", "echo"], { MY_TOKEN: token })).code).toBe(0)
    const none = await runCli(["ci", "submit", "echo"], { home, cwd: dir, env: { CODERCLAW_SERVER: server.url } })
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/no CI token/)
  })
})

describe("a GitHub Actions token over HTTP (A2A)", () => {
  it("is accepted as the bearer token of an A2A call, as role ci", async () => {
    const token = await mint(signingKey, AUDIENCE)
    const response = await fetch(`${server.httpUrl}/a2a/rest/message:send`, {
      method: "POST",
      headers: { "content-type": "application/json", "a2a-version": "1.0", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        message: {
          messageId: "ci-a2a-1",
          role: "ROLE_USER",
          parts: [{ data: { from: "ci" } }],
          metadata: { agentId: "echo" }
        }
      })
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as {
      task: { status: { state: string }; metadata: { coderclaw: { status: string } } }
    }
    expect(body.task.status.state).toBe("TASK_STATE_COMPLETED")
  })

  it("is refused with 401 when it is signed by another key", async () => {
    const forged = await mint(strangerKey, AUDIENCE)
    const response = await fetch(`${server.httpUrl}/a2a/rest/tasks`, { headers: { authorization: `Bearer ${forged}` } })
    expect(response.status).toBe(401)
  })
})

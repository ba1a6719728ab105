import { randomBytes } from "node:crypto"

/** A local account of the demo. */
export interface DemoUser {
  readonly username: string
  readonly role: "admin" | "developer" | "readonly" | "ci"
  /** Fresh for every run and never printed: the demo's database dies with its temporary directory anyway. */
  readonly password: string
}

/** The four people (and one robot) of the demo, one per built-in role. */
export const makeDemoUsers = (): {
  readonly admin: DemoUser
  readonly alice: DemoUser
  readonly reader: DemoUser
  readonly ciBot: DemoUser
} => {
  const user = (username: string, role: DemoUser["role"]): DemoUser => ({
    username,
    role,
    password: randomBytes(18).toString("base64url")
  })
  return {
    admin: user("admin", "admin"),
    alice: user("alice", "developer"),
    reader: user("reader", "readonly"),
    ciBot: user("ci-bot", "ci")
  }
}

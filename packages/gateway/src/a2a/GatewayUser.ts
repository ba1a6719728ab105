import type { User } from "@a2a-js/sdk/server"
import type { Principal } from "@coderclaw/protocol"

/** The A2A SDK's user for a request the gateway authenticated: it carries the principal every runtime call runs as. */
export class GatewayUser implements User {
  constructor(readonly principal: Principal) {}

  get isAuthenticated(): boolean {
    return true
  }

  get userName(): string {
    return this.principal.id
  }
}

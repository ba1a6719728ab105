/**
 * `@coderclaw/security`: verified identities, device trust, RBAC, Cedar policies, sessions and a
 * hash-chained audit log. It implements the `AuthenticatorShape` and `AuthorizerShape` ports declared in
 * `@coderclaw/protocol`, which the runtime and the WebSocket server consult on every call.
 *
 * @packageDocumentation
 */

export {
  type AdminContext,
  type LocalUserChange,
  makeSecurityAdmin,
  type PairingDecision,
  type SecurityAdminParts,
  type SecurityAdminShape
} from "./admin/SecurityAdmin.js"
export * from "./audit/index.js"
export {
  makeSecurityAuthenticator,
  type SecurityAuthenticatorParts
} from "./authentication/makeSecurityAuthenticator.js"
export { makeTokenRouter, type RoutedVerifier, unverifiedIssuer } from "./authentication/TokenRouter.js"
export { makeSecurityAuthorizer, type SecurityAuthorizerParts } from "./authorization/makeSecurityAuthorizer.js"
export { type AccessDecision, SecurityService, type UserCredentials } from "./compat/SecurityService.js"
export { decodeSecurityConfig, loadSecurityConfig, parseSecurityConfig } from "./config/loadSecurityConfig.js"
export {
  DevicesConfig,
  GithubProviderConfig,
  LocalProviderConfig,
  ProvidersConfig,
  SecurityConfig,
  SessionsConfig
} from "./config/SecurityConfig.js"
export { SecurityConfigError } from "./config/SecurityConfigError.js"
export * from "./devices/index.js"
export * from "./identity/index.js"
export * from "./local/index.js"
export * from "./policies/index.js"
export * from "./rbac/index.js"
export * from "./repository/index.js"
export {
  makeSecurity,
  type PasswordLogin,
  Security,
  type SecurityOptions,
  type SecurityPortTags,
  type SecurityShape,
  type SecurityStores
} from "./Security.js"
export * from "./sessions/index.js"
export * as StoreRows from "./storage/StoreRows.js"

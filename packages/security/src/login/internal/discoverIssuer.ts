import { Effect, Redacted } from "effect"
import * as client from "openid-client"
import { LoginFailed } from "../LoginFailed.js"
import type { OidcClientOptions } from "../OidcClientOptions.js"
import { errorDetail } from "./errorDetail.js"

/**
 * Reads the issuer's discovery document and builds the openid-client configuration every later request
 * uses. openid-client checks that the document names exactly the issuer asked for, so a document served
 * for another issuer is refused. A public client (no secret) authenticates with its `client_id` only.
 */
export const discoverIssuer = (options: OidcClientOptions): Effect.Effect<client.Configuration, LoginFailed> =>
  Effect.gen(function* () {
    const issuer = URL.canParse(options.issuer) ? new URL(options.issuer) : undefined
    if (issuer === undefined) {
      return yield* Effect.fail(
        new LoginFailed({ provider: "oidc", reason: "DiscoveryFailed", detail: "the issuer is not a URL" })
      )
    }
    const secret =
      options.clientSecret === undefined
        ? undefined
        : typeof options.clientSecret === "string"
          ? options.clientSecret
          : Redacted.value(options.clientSecret)
    const fetchImpl = options.fetch
    const discoveryOptions: client.DiscoveryRequestOptions = {
      execute: options.allowInsecureRequests === true ? [client.allowInsecureRequests] : [],
      ...(fetchImpl === undefined
        ? {}
        : {
            [client.customFetch]: (url: string, init: client.CustomFetchOptions) => fetchImpl(url, init as RequestInit)
          })
    }
    return yield* Effect.tryPromise({
      try: () =>
        client.discovery(
          issuer,
          options.clientId,
          secret,
          secret === undefined ? client.None() : client.ClientSecretPost(secret),
          discoveryOptions
        ),
      catch: (error) => new LoginFailed({ provider: "oidc", reason: "DiscoveryFailed", detail: errorDetail(error) })
    })
  })

/** The scope string to ask for: the caller's scopes with `openid` always present, no duplicates. */
export const scopeOf = (scopes: ReadonlyArray<string> | undefined): string =>
  [...new Set(["openid", ...(scopes ?? ["profile", "email"])])].join(" ")

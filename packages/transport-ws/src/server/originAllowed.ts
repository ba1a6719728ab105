import { isIP } from "node:net"

/** Whether a host name (no port, IPv6 without brackets) names this machine's loopback interface. */
const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "")
  if (host === "localhost" || host.endsWith(".localhost")) return true
  if (isIP(host) === 4) return host.startsWith("127.")
  return host === "::1" || host === "0:0:0:0:0:0:0:1"
}

/**
 * Whether an upgrade request's `Origin` may connect. A request without `Origin` comes from a non-browser
 * client (a browser always sends one on a WebSocket upgrade) and is allowed: origins only defend browsers.
 * With `allowed` (runtime.yaml's `allowedOrigins`), exactly those origins are admitted (`*` admits any).
 * Without it the default is same-origin or loopback: a page served by this server (its origin's host and
 * port equal the `Host` header) or a page on this machine (`localhost`, `127.x.x.x`, `::1`). Any other web
 * page a user happens to visit cannot drive their session on this server.
 */
export const originAllowed = (
  origin: string | undefined,
  hostHeader: string | undefined,
  allowed: ReadonlyArray<string> | undefined
): boolean => {
  if (origin === undefined) return true
  if (allowed !== undefined) return allowed.includes("*") || allowed.includes(origin)
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    // `null` (sandboxed frames, file pages) and garbage are not an origin we can vouch for.
    return false
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false
  if (isLoopbackHost(url.hostname)) return true
  return hostHeader !== undefined && url.host.toLowerCase() === hostHeader.toLowerCase()
}

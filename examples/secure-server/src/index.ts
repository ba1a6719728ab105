export { exampleConfig, runSecureServerExample, type SecureServerReport } from "./runSecureServerExample.js"
export { type SecureServer, startSecureServer } from "./startSecureServer.js"

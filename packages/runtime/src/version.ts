/** The version of `@coderclaw/runtime`, reported by `status()`. A test keeps it equal to package.json's. */
export const RUNTIME_VERSION = "0.1.0"

import { defineProject, mergeConfig } from "vitest/config"

/**
 * The vitest project every package uses: node environment, tests under `test/`, no globals
 * (tests import `describe`/`it` explicitly so the type checker sees them).
 *
 * @param {string} name the project name shown in vitest's output, usually the package's short name
 * @param {import("vitest/config").UserProjectConfigExport} [overrides] settings merged over the preset
 */
export const coderclawProject = (name, overrides = {}) =>
  mergeConfig(
    defineProject({
      test: {
        name,
        environment: "node",
        include: ["test/**/*.test.ts"],
        globals: false,
        testTimeout: 20_000,
        hookTimeout: 20_000
      }
    }),
    overrides
  )

import { rm } from "node:fs/promises"
import { afterAll, afterEach } from "vitest"
import { killTracked } from "../../process-harness/index.js"

/**
 * Registers the clean-up of a test file that runs programs and writes a scratch directory: after each test,
 * no npm, pnpm, tsc or test program it started is left running (even after a failure or a timeout); after
 * the file, the directory `scratch()` names (if any) is removed.
 */
export const cleanUpAfterTests = (scratch: () => string | undefined) => {
  afterEach(async () => {
    await killTracked()
  })
  afterAll(async () => {
    await killTracked()
    const directory = scratch()
    if (directory !== undefined) await rm(directory, { recursive: true, force: true })
  })
}

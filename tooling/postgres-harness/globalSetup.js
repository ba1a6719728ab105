import { startPostgres } from "./index.js"

/**
 * A vitest `globalSetup`: one PostgreSQL server for the whole project, started before its first test file
 * and stopped after its last (also when tests fail). Tests read its address with `inject("postgres")`.
 *
 * @param {{ provide: (key: string, value: unknown) => void }} project
 */
export default async function setup(project) {
  const server = await startPostgres()
  project.provide("postgres", server.connection)
  return () => server.stop()
}

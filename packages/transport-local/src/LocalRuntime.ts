import type { Principal, RuntimeClient } from "@coderclaw/protocol"
import { Authorizer, InMemoryJournal, type Journal, Runtime, type RuntimeOptions } from "@coderclaw/runtime"
import { Layer, ManagedRuntime } from "effect"
import { makeLocalClient } from "./LocalClient.js"

/** Options of `createLocalRuntime`: the runtime's, plus where its journal and authorizer come from. */
export interface LocalRuntimeOptions extends RuntimeOptions {
  /** The journal; default in memory (nothing survives the process). Use `@coderclaw/store-sqlite` to persist. */
  readonly journal?: Layer.Layer<Journal, unknown>
  /** The authorizer; default `Authorizer.permissive` (local-only use). */
  readonly authorizer?: Layer.Layer<Authorizer, unknown>
}

/** A runtime running in this process, and a way to get clients for it. */
export interface LocalRuntime {
  /** A `RuntimeClient` acting as `principal`. */
  client(principal: Principal): RuntimeClient
  /** The underlying Effect runtime, for Effect users who want to call the `Runtime` service directly. */
  readonly managed: ManagedRuntime.ManagedRuntime<Runtime, unknown>
  /** Shuts the runtime down gracefully and releases its journal. */
  close(): Promise<void>
}

/**
 * Starts a runtime in this process. The runtime starts (and recovers unfinished tasks from the journal) on
 * the first call; `ready()` waits for that explicitly.
 */
export const createLocalRuntime = (options: LocalRuntimeOptions): LocalRuntime & { ready(): Promise<void> } => {
  const { journal = InMemoryJournal.layer, authorizer = Authorizer.permissive, ...runtimeOptions } = options
  const managed = ManagedRuntime.make(
    Runtime.layer(runtimeOptions).pipe(Layer.provide(Layer.mergeAll(journal, authorizer)))
  ) as ManagedRuntime.ManagedRuntime<Runtime, unknown>
  const closing = new AbortController()
  return {
    client: (principal) => makeLocalClient(managed, principal, closing.signal),
    managed,
    ready: async () => {
      await managed.context()
    },
    close: async () => {
      closing.abort()
      await managed.dispose()
    }
  }
}

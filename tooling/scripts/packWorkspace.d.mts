/** A published package of the workspace. */
export interface PublishedPackage {
  readonly name: string
  readonly dir: string
  readonly manifest: {
    readonly name: string
    readonly version: string
    readonly dependencies?: Record<string, string>
    readonly peerDependencies?: Record<string, string>
  }
}

/** Every published (non-private) package under packages/. */
export declare const publishedPackages: () => Array<PublishedPackage>

/** `name` and every published workspace package it depends on at run time, transitively. */
export declare const workspaceClosure: (name: string) => Array<string>

/** Packs the named packages (default: every published one) into `destination`: package name → tarball path. */
export declare const packPackages: (destination: string, names?: ReadonlyArray<string>) => Map<string, string>

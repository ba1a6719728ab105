import type { UserProjectConfigExport, UserWorkspaceConfig } from "vitest/config"

/** The vitest project every package uses; `overrides` are merged over it. */
export declare const coderclawProject: (name: string, overrides?: UserProjectConfigExport) => UserWorkspaceConfig

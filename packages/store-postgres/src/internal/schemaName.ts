/** A PostgreSQL identifier the journal accepts for its schema: lower-case, letters, digits and `_`. */
export const isSchemaName = (name: string): boolean => /^[a-z_][a-z0-9_]{0,62}$/.test(name)

/** The advisory-lock keys of one journal schema: `[namespace, key]` pairs for `pg_advisory_lock(int, int)`. */
export const lockKeys = (schema: string) => {
  // 'ccl' + kind: a namespace of our own, so other applications' advisory locks never collide with ours.
  let hash = 0
  for (const char of schema) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0
  return { owner: [0x63636c01, hash] as const, order: [0x63636c02, hash] as const }
}

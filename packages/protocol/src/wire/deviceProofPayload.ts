/** What a device signs to prove it holds its key on one connection. */
export interface DeviceProofClaims {
  readonly nonce: string
  readonly deviceId: string
  readonly signedAt: number
  readonly scopes: ReadonlyArray<string>
}

/**
 * The exact bytes (UTF-8 of this string) a device signs and the server verifies: a JSON object with fixed
 * key order and sorted, de-duplicated scopes, so both ends build the same text without a canonicaliser.
 */
export const deviceProofPayload = (claims: DeviceProofClaims): string =>
  JSON.stringify({
    type: "coderclaw.device-proof",
    version: 1,
    nonce: claims.nonce,
    deviceId: claims.deviceId,
    signedAt: claims.signedAt,
    scopes: [...new Set(claims.scopes)].sort()
  })

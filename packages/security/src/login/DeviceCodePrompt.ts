/**
 * What the user must be shown during a device login: open `verificationUri` (on any device) and enter
 * `userCode`. `verificationUriComplete`, when the server offers it, already carries the code (e.g. for a
 * QR code). `expiresInSeconds` says how long the code stays valid.
 */
export interface DeviceCodePrompt {
  readonly verificationUri: string
  readonly verificationUriComplete?: string
  readonly userCode: string
  readonly expiresInSeconds: number
}

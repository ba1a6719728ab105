/**
 * Who decides on devices: an authenticated principal and the permissions the server computed from its
 * roles (never what the caller claims).
 */
export interface DeviceOperator {
  readonly principalId: string
  readonly permissions: ReadonlySet<string>
}

/** Whether the operator may approve, reject and revoke any device: `device:approve` or `admin:all`. */
export const canManageDevices = (operator: DeviceOperator): boolean =>
  operator.permissions.has("device:approve") || operator.permissions.has("admin:all")

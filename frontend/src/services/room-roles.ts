// Who holds a role in the room (docs/realtime.md): the join reply's `roles` map, kept current by
// `participant:role` broadcasts. Pure, so the channel's bookkeeping is tested without one.

/** Both have a host's powers; only `host` (the creator, or whom the room was handed to) stays. */
export type Role = 'host' | 'cohost';
export type Roles = Readonly<Record<string, Role>>;

function isRole(value: unknown): value is Role {
  return value === 'host' || value === 'cohost';
}

/** The join reply's `roles`, ignoring anything that is not a role. */
export function rolesFrom(value: unknown): Roles {
  if (typeof value !== 'object' || value === null) return {};
  const roles: Record<string, Role> = {};
  for (const [id, role] of Object.entries(value)) if (isRole(role)) roles[id] = role;
  return roles;
}

/** A `participant:role` broadcast applied: the participant's new role, or none (`role: null`). */
export function withRoleChange(roles: Roles, payload: unknown): Roles {
  const change = payload as { participant_id?: unknown; role?: unknown } | null;
  const id = change?.participant_id;
  if (typeof id !== 'string') return roles;
  const others = Object.entries(roles).filter(([holder]) => holder !== id);
  return Object.fromEntries(isRole(change?.role) ? [...others, [id, change.role]] : others);
}

/**
 * SMART system scopes: `system/<Type>.<action>` with SMART v1 actions (`read`, `write`, `*`) or v2
 * letters (`c r u d s`); `*` as the type stands for every type.
 */
export type Need = 'read' | 'write';

/** The scopes each operation needs. */
export const SCOPES = {
  submit: 'system/Claim.write',
  inquire: 'system/ClaimResponse.read',
  subscriptionRead: 'system/Subscription.read',
  subscriptionWrite: 'system/Subscription.write',
  x12: 'system/Claim.write',
} as const;

const parse = (s: string): { type: string; action: string } | null => {
  const m = /^system\/([A-Za-z*]+)\.([a-z*]+)$/.exec(s);
  return m === null ? null : { type: m[1]!, action: m[2]! };
};

function actionCovers(granted: string, needed: string): boolean {
  if (granted === '*' || granted === needed) return true;
  // SMART v2 letters against v1 actions, and v2 against v2 (every needed letter granted).
  const letters = (a: string): string => (a === 'read' ? 'rs' : a === 'write' ? 'cud' : /^[cruds]+$/.test(a) ? a : '');
  const g = letters(granted);
  const n = needed === 'read' ? 'r' : needed === 'write' ? 'c' : needed;
  return g !== '' && [...n].every((ch) => g.includes(ch));
}

/** Whether one granted scope covers a needed one. */
export function covers(granted: string, needed: string): boolean {
  const g = parse(granted);
  const n = parse(needed);
  if (g === null || n === null) return false;
  return (g.type === '*' || g.type === n.type) && actionCovers(g.action, n.action);
}

export const permits = (granted: readonly string[], needed: string): boolean => granted.some((g) => covers(g, needed));

/** The requested scopes a client may have: each requested one covered by one it is registered for. */
export function grant(requested: readonly string[], allowed: readonly string[]): string[] {
  return requested.filter((r) => parse(r) !== null && permits(allowed, r));
}

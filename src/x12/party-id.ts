/**
 * Checks of the interchange and group party identifiers a writer puts in ISA05-ISA08 and
 * GS02/GS03: lengths, the X12 character set, and the ISA05/ISA07 qualifier code list.
 */

/** ISA05/ISA07 interchange id qualifiers of X12 005010. */
export const INTERCHANGE_ID_QUALIFIERS: readonly string[] = ['01', '14', '20', '27', '28', '29', '30', '33', 'ZZ'];

/** Whether every character is printable ASCII (the X12 basic and extended character sets, with space). */
export function isX12Text(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Why `id` cannot be an interchange (ISA06/ISA08, 1-15 characters) or application (GS02/GS03,
 * 2-15 characters) party id, or null when it can. `what` names it in the message.
 */
export function partyIdProblem(id: string, kind: 'interchange' | 'application', what: string): string | null {
  const min = kind === 'interchange' ? 1 : 2;
  if (id.trim().length < min) return `${what} must have ${min === 1 ? 'at least one character' : 'at least two characters'} besides spaces: ${JSON.stringify(id)}`;
  if (id.length > 15) return `${what} is longer than 15 characters (${id.length}): ${JSON.stringify(id)}`;
  if (!isX12Text(id)) return `${what} holds a character outside the X12 character set (printable ASCII): ${JSON.stringify(id)}`;
  if (id !== id.trimStart()) return `${what} starts with a space: ${JSON.stringify(id)}`;
  return null;
}

/** Why `q` cannot be an ISA05/ISA07 qualifier, or null when it can. */
export function qualifierProblem(q: string, what: string): string | null {
  return INTERCHANGE_ID_QUALIFIERS.includes(q) ? null : `${what} must be one of ${INTERCHANGE_ID_QUALIFIERS.join(', ')}: ${JSON.stringify(q)}`;
}

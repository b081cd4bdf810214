import type { Finding, GroupInfo, InterchangeInfo, TransactionSet } from '../x12/index.js';
import { delimiterStrings, hasErrors } from '../x12/index.js';

/** The JSON shape of a finding in NDJSON output: the finding without its acknowledgment routing. */
export type FindingJson = Omit<Finding, 'ack'>;

export function findingJson(f: Finding): FindingJson {
  const o: FindingJson = { severity: f.severity, code: f.code, message: f.message };
  if (f.segment !== undefined) o.segment = f.segment;
  if (f.offset !== undefined) o.offset = f.offset;
  if (f.ordinal !== undefined) o.ordinal = f.ordinal;
  if (f.position !== undefined) o.position = f.position;
  if (f.loop !== undefined) o.loop = f.loop;
  return o;
}

export function interchangeJson(ic: InterchangeInfo): Record<string, unknown> {
  return {
    control: ic.control,
    sender: ic.sender,
    receiver: ic.receiver,
    delimiters: delimiterStrings(ic.delimiters),
  };
}

export function groupJson(g: GroupInfo | null): Record<string, unknown> | null {
  return g === null ? null : { control: g.control, functionalId: g.functionalId, version: g.version };
}

/** One NDJSON line of `x12pas inspect` for a transaction set. */
export function transactionLine(file: string, tx: TransactionSet, findings: readonly Finding[]): string {
  const accepted = !hasErrors(findings);
  return JSON.stringify({
    file,
    interchange: interchangeJson(tx.interchange),
    group: groupJson(tx.group),
    control: tx.control,
    implementation: tx.implementation,
    accepted,
    segments: tx.segments.map((s) => s.elements()),
    findings: findings.map(findingJson),
  });
}

/** A line for problems tied to no transaction set. */
export function findingsLine(file: string, findings: readonly Finding[], ic?: InterchangeInfo, group?: GroupInfo): string {
  const o: Record<string, unknown> = { file };
  if (ic !== undefined) o.interchange = interchangeJson(ic);
  if (group !== undefined) o.group = groupJson(group);
  o.findings = findings.map(findingJson);
  return JSON.stringify(o);
}

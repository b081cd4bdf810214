import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The UM simulator's decision rules (a JSON file; the default is mappings/simulator/rules.json).
 * A rule matches an item (a 2000F service level, or the 2000E event when there is none) when every
 * condition it names holds; the first matching rule decides. Error rules reject the whole 278 with
 * an AAA segment in the loop they name.
 */
export interface RuleConditions {
  /** Diagnosis codes of the event's HI (without qualifier or dot), e.g. M5416. */
  diagnoses?: string[];
  /** Procedure codes of the service level (SV1/SV2/SV3), e.g. 99213. */
  serviceCodes?: string[];
  /** UM03 service type codes. */
  serviceTypes?: string[];
  /** 2010B NM109. */
  requesters?: string[];
  /** 2010C NM109. */
  members?: string[];
}

/** A1 certified, A3 not certified, A4 pended, A6 modified; C: cancelled (the answer to a service sent as a cancel, UM02 3). */
export type Decision = 'A1' | 'A3' | 'A4' | 'A6' | 'C';

export interface RuleOutcome {
  decision?: Decision;
  /** For a pended item: the decision the simulator sends later, unsolicited. */
  later?: Decision;
  /** After how long (ms) the later decision is sent. */
  laterMs?: number;
  /** An AAA error: the loop it sits in, its reject reason (AAA03) and follow-up action (AAA04). */
  error?: { loop: '2010B' | '2010C' | '2000E'; reason: string; action: string };
}

export interface Rule {
  name: string;
  when: RuleConditions;
  then: RuleOutcome;
}

export interface RuleSet {
  rules: Rule[];
  default: { decision: Decision };
}

export const DEFAULT_RULES_FILE = fileURLToPath(new URL('../../../mappings/simulator/rules.json', import.meta.url));

const DECISIONS = new Set(['A1', 'A3', 'A4', 'A6']);
const LOOPS = new Set(['2010B', '2010C', '2000E']);
const CONDITIONS = ['diagnoses', 'serviceCodes', 'serviceTypes', 'requesters', 'members'] as const;

export class RulesError extends Error {}

/** Reads and checks a rules file; errors name the rule and key. */
export function loadRules(file: string = DEFAULT_RULES_FILE): RuleSet {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RulesError(`simulator rules ${file}: ${(e as Error).message}`);
  }
  return checkRules(raw, file);
}

export function checkRules(raw: unknown, where = 'rules'): RuleSet {
  const fail = (key: string, msg: string): never => {
    throw new RulesError(`${where}: ${key}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('(root)', 'must be an object');
  const o = raw as Record<string, unknown>;
  const rulesRaw = o.rules ?? [];
  if (!Array.isArray(rulesRaw)) fail('rules', 'must be an array');
  const rules = (rulesRaw as unknown[]).map((r, i): Rule => {
    const key = `rules[${i}]`;
    if (typeof r !== 'object' || r === null) fail(key, 'must be an object');
    const x = r as Record<string, unknown>;
    const when = (x.when ?? {}) as Record<string, unknown>;
    if (typeof when !== 'object') fail(`${key}.when`, 'must be an object');
    for (const k of Object.keys(when)) {
      if (!(CONDITIONS as readonly string[]).includes(k)) fail(`${key}.when.${k}`, `unknown condition (known: ${CONDITIONS.join(', ')})`);
      const v = when[k];
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail(`${key}.when.${k}`, 'must be an array of strings');
    }
    const then = x.then as Record<string, unknown> | undefined;
    if (typeof then !== 'object' || then === null) fail(`${key}.then`, 'must be an object');
    const t = then as Record<string, unknown>;
    if (t.decision !== undefined && !DECISIONS.has(t.decision as string)) fail(`${key}.then.decision`, 'must be A1, A3, A4 or A6');
    if (t.later !== undefined && !DECISIONS.has(t.later as string)) fail(`${key}.then.later`, 'must be A1, A3, A4 or A6');
    if (t.laterMs !== undefined && (typeof t.laterMs !== 'number' || t.laterMs < 0)) fail(`${key}.then.laterMs`, 'must be a number >= 0');
    if (t.error !== undefined) {
      const er = t.error as Record<string, unknown>;
      if (!LOOPS.has(er.loop as string)) fail(`${key}.then.error.loop`, 'must be 2010B, 2010C or 2000E');
      if (typeof er.reason !== 'string' || !/^[A-Z0-9]{2}$/.test(er.reason)) fail(`${key}.then.error.reason`, 'must be a two-character AAA03 code');
      if (typeof er.action !== 'string' || !/^[A-Z]$/.test(er.action)) fail(`${key}.then.error.action`, 'must be a one-letter AAA04 code');
    }
    if (t.decision === undefined && t.error === undefined) fail(`${key}.then`, 'needs a decision or an error');
    return { name: typeof x.name === 'string' ? x.name : key, when: when as RuleConditions, then: t as RuleOutcome };
  });
  const d = (o.default ?? { decision: 'A1' }) as Record<string, unknown>;
  if (!DECISIONS.has(d.decision as string)) fail('default.decision', 'must be A1, A3, A4 or A6');
  return { rules, default: { decision: d.decision as Decision } };
}

/** What a rule is matched against. */
export interface ItemFacts {
  diagnoses: readonly string[];
  serviceCodes: readonly string[];
  serviceTypes: readonly string[];
  requester: string | null;
  member: string | null;
  /** The item was sent as a cancel (UM02 3, its own or, with none, the event's). */
  cancelled?: boolean;
}

function holds(c: RuleConditions, f: ItemFacts): boolean {
  const any = (want: string[] | undefined, got: readonly (string | null)[]): boolean => want === undefined || got.some((g) => g !== null && want.includes(g));
  return (
    any(c.diagnoses, f.diagnoses) &&
    any(c.serviceCodes, f.serviceCodes) &&
    any(c.serviceTypes, f.serviceTypes) &&
    any(c.requesters, [f.requester]) &&
    any(c.members, [f.member])
  );
}

/** The first error rule any item matches, if any. */
export function errorFor(rules: RuleSet, items: readonly ItemFacts[]): RuleOutcome['error'] | null {
  for (const r of rules.rules) if (r.then.error !== undefined && items.some((f) => holds(r.when, f))) return r.then.error;
  return null;
}

/** The outcome for one item: the first decision rule it matches, else the default. */
export function decide(rules: RuleSet, f: ItemFacts): RuleOutcome & { decision: Decision } {
  // A cancel is confirmed, whatever the rules say of the service.
  if (f.cancelled === true) return { decision: 'C' };
  for (const r of rules.rules) if (r.then.decision !== undefined && holds(r.when, f)) return r.then as RuleOutcome & { decision: Decision };
  return { decision: rules.default.decision };
}

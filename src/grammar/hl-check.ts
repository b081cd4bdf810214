import type { Finding, TransactionSet } from '../x12/index.js';
import { hlGrammar278, type HlGrammar } from './hl-levels.js';

interface Hl {
  id: string;
  parent: string;
  level: string;
  hasChildren: string;
  position: number;
  offset: number;
  ordinal: number;
  children: number;
}

/**
 * Checks the HL hierarchy of a 278 against its levels table: ids count up from 1, parents exist
 * and come first, each level hangs under a level it may, HL04 tells the truth, and every branch
 * reaches a leaf level (unless the transaction carries AAA rejections).
 */
export function checkHlStructure(tx: TransactionSet, grammar: HlGrammar = hlGrammar278()): Finding[] {
  if (tx.type !== grammar.transactionSet) return [];
  const out: Finding[] = [];
  const hls = new Map<string, Hl>();
  const order: Hl[] = [];
  let hasAaa = false;
  const segs = tx.segments;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.id === 'AAA') hasAaa = true;
    if (s.id !== 'HL') continue;
    const hl: Hl = { id: s.element(1), parent: s.element(2), level: s.element(3), hasChildren: s.element(4), position: i + 1, offset: s.offset, ordinal: s.ordinal, children: 0 };
    const at = { segment: 'HL', offset: s.offset, ordinal: s.ordinal, position: i + 1 };
    const level = grammar.levels.get(hl.level);
    const loop = level?.loop;
    const el = (element: number, elementRef: string, code: string, message: string, value: string): void => {
      out.push({ severity: 'error', code: 'HL_STRUCTURE', message, ...at, ...(loop ? { loop } : {}), ack: { level: 'element', code, element, elementRef, value } });
    };
    if (hl.id !== String(order.length + 1)) el(1, '628', '7', `HL01 ${JSON.stringify(hl.id)} should be ${order.length + 1} (HL ids count up from 1)`, hl.id);
    if (level === undefined) {
      el(3, '735', '7', `HL03 ${JSON.stringify(hl.level)} is not a level of the ${grammar.transactionSet}`, hl.level);
    } else if (order.length === 0) {
      if (hl.level !== grammar.root) el(3, '735', '7', `the first HL must be level ${grammar.root}, found ${hl.level}`, hl.level);
      if (hl.parent !== '') el(2, '734', '7', 'the first HL has no parent', hl.parent);
    } else {
      const parent = hls.get(hl.parent);
      if (parent === undefined) el(2, '734', '7', `HL02 ${JSON.stringify(hl.parent)} names no earlier HL`, hl.parent);
      else {
        parent.children++;
        if (!level.parents.includes(parent.level)) {
          el(3, '735', '7', `level ${hl.level} (${level.loop}) cannot hang under level ${parent.level}; allowed: ${level.parents.join(', ') || 'none'}`, hl.level);
        }
      }
    }
    hls.set(hl.id, hl);
    order.push(hl);
  }
  if (order.length === 0) {
    out.push(missing(tx, `no HL levels: a ${grammar.transactionSet} needs the ${grammar.levels.get(grammar.root)?.loop ?? grammar.root} level`, grammar.levels.get(grammar.root)?.loop));
    return out;
  }
  for (const hl of order) {
    const says = hl.hasChildren;
    if ((says === '1' && hl.children === 0) || (says === '0' && hl.children > 0)) {
      out.push({
        severity: 'warning',
        code: 'HL04_CHILDREN',
        message: `HL ${hl.id}: HL04 says ${says === '1' ? 'it has' : 'it has no'} children, it has ${hl.children}`,
        segment: 'HL',
        offset: hl.offset,
        ordinal: hl.ordinal,
        position: hl.position,
      });
    }
    if (hl.children === 0 && !hasAaa && grammar.levels.has(hl.level) && !grammar.leafLevels.includes(hl.level)) {
      const want = grammar.leafLevels.map((l) => grammar.levels.get(l)?.loop ?? l).join(' or ');
      out.push(missing(tx, `HL ${hl.id} (level ${hl.level}) ends its branch without a ${want} level below it`, grammar.levels.get(grammar.leafLevels[0]!)?.loop, hl));
    }
  }
  return out;
}

function missing(tx: TransactionSet, message: string, loop: string | undefined, hl?: Hl): Finding {
  const se = tx.segments[tx.segments.length - 1]!;
  return {
    severity: 'error',
    code: 'HL_LEVEL_MISSING',
    message,
    segment: 'HL',
    offset: hl?.offset ?? se.offset,
    ordinal: hl?.ordinal ?? se.ordinal,
    position: tx.segments.length,
    ...(loop ? { loop } : {}),
    ack: { level: 'segment', code: '3' },
  };
}

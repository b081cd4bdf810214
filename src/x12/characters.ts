/**
 * Characters an interchange can carry. X12 input is read as UTF-8 (Latin-1 where its bytes are
 * not valid UTF-8, so no byte is lost) and written as UTF-8. Control characters (C0, DEL, C1)
 * are in no X12 character set: they are reported where read and never written. A partner that
 * takes plain ASCII (`charset: 'ascii'`) also gets non-ASCII characters reported where read,
 * and written as their closest ASCII (accents dropped) or `?`, each with a LOSSY_VALUE finding.
 */
import type { Finding } from './finding.js';
import type { Segment } from './segment.js';

export type Charset = 'utf8' | 'ascii';

/** At most this many character findings per transaction set (a binary blob says so once it starts). */
const MAX_FINDINGS = 10;

/**
 * Findings for the bytes of these segments that the interchange cannot carry: control
 * characters (not counting the interchange's own separators), and with `ascii` any byte above
 * 0x7E. Each finding gives the byte's absolute offset.
 */
export function characterFindings(segments: readonly Segment[], charset: Charset = 'utf8'): Finding[] {
  let out: Finding[] | null = null;
  for (const seg of segments) {
    const { buf, start, end } = seg;
    const d = seg.delimiters;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (b >= 0x20 && b < 0x7f) continue;
      const at = seg.offset + (i - start);
      let what: string | null = null;
      if (b < 0x20 || b === 0x7f) {
        if (b === d.element || b === d.component || b === d.repetition || b === d.segment) continue;
        what = 'control';
      } else if (b >= 0x80 && b <= 0x9f && (i === start || buf[i - 1]! < 0x80)) {
        // A C1 control as Latin-1 (not the continuation of a UTF-8 character).
        what = 'control';
      } else if (b === 0xc2 && i + 1 < end && buf[i + 1]! >= 0x80 && buf[i + 1]! <= 0x9f) {
        what = 'control';
        i++;
      } else if (charset === 'ascii') {
        what = 'non-ascii';
        // The rest of a UTF-8 sequence is the same character.
        while (i + 1 < end && buf[i + 1]! >= 0x80 && buf[i + 1]! <= 0xbf) i++;
      }
      if (what === null) continue;
      out ??= [];
      out.push(
        what === 'control'
          ? { severity: 'warning', code: 'CONTROL_CHARACTER', message: `${seg.id} holds control character 0x${b.toString(16).padStart(2, '0')} (in no X12 character set) at byte ${at}`, segment: seg.id, offset: at, ordinal: seg.ordinal }
          : { severity: 'warning', code: 'NON_ASCII_CHARACTER', message: `${seg.id} holds a character outside ASCII (byte 0x${b.toString(16)}) at byte ${at}; the partner setting is plain ASCII`, segment: seg.id, offset: at, ordinal: seg.ordinal },
      );
      if (out.length >= MAX_FINDINGS) return out;
    }
  }
  return out ?? [];
}

/** A value changed to fit the charset: where, and what it was. */
export interface LossyChange {
  readonly segment: string;
  /** 1-based element position, and component (1-based) within it. */
  readonly element: number;
  readonly component: number;
  readonly message: string;
}

/**
 * Makes the values of segments given as components (`[[id], [e01c1, ...], ...]`) writable in
 * `charset`, in place: control characters become spaces; with `ascii`, other characters above
 * 0x7E their ASCII base letter (é -> e) or `?`. Returns what was changed (nothing for values
 * already writable: one scan each).
 */
export function fitCharacters(segments: string[][][], charset: Charset = 'utf8'): LossyChange[] {
  const changes: LossyChange[] = [];
  for (const els of segments) {
    for (let e = 1; e < els.length; e++) {
      let comps = els[e]!;
      for (let c = 0; c < comps.length; c++) {
        const v = comps[c]!;
        if (fits(v, charset)) continue;
        const fixed = fitValue(v, charset);
        // A copy: the components may be shared with what the segments were made from.
        if (comps === els[e]) els[e] = comps = comps.slice();
        comps[c] = fixed;
        changes.push({
          segment: els[0]?.[0] ?? '',
          element: e,
          component: c + 1,
          message: `${els[0]?.[0] ?? ''}${String(e).padStart(2, '0')}${comps.length > 1 ? `-${c + 1}` : ''}: ${JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v)} holds characters X12 ${charset === 'ascii' ? 'in plain ASCII ' : ''}cannot carry; written as ${JSON.stringify(fixed.length > 60 ? `${fixed.slice(0, 60)}...` : fixed)}`,
        });
      }
    }
  }
  return changes;
}

function fits(v: string, charset: Charset): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) return false;
    if (charset === 'ascii' && c > 0x7e) return false;
  }
  return true;
}

function fitValue(v: string, charset: Charset): string {
  let out = '';
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) out += ' ';
    else if (charset === 'ascii' && c > 0x7e) {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += /^[\x20-\x7e]+$/.test(base) ? base : '?';
    } else out += ch;
  }
  return out;
}

import { MemoryControlNumbers, type ControlNumberAllocator } from './control-numbers.js';
import { DEFAULT_DELIMITERS, delimiterStrings, isAlphanumeric, type Delimiters, type DelimiterStrings } from './delimiters.js';

/** Raised when a value cannot be written faithfully (it holds a delimiter, or overflows a field). */
export class X12WriteError extends Error {
  override name = 'X12WriteError';
}

export interface WriterOptions {
  delimiters?: Delimiters;
  /** Written between segments: '' (one line), '\n' or '\r\n'. */
  lineEnding?: string;
  /** Write `lineEnding` after the last segment too (default: true when lineEnding is not ''). */
  finalLineEnding?: boolean;
  controlNumbers?: ControlNumberAllocator;
  /** Clock for ISA09/ISA10, GS04/GS05 (tests pass a fixed one). */
  now?: () => Date;
}

export interface InterchangeHeader {
  senderQualifier: string;
  sender: string;
  receiverQualifier: string;
  receiver: string;
  /** ISA13; taken from the allocator when absent. */
  control?: string;
  /** ISA12, default 00501. */
  version?: string;
  ackRequested?: boolean;
  /** ISA15, default P. */
  usage?: 'P' | 'T' | 'I';
  authorizationQualifier?: string;
  authorization?: string;
  securityQualifier?: string;
  security?: string;
  date?: Date;
}

export interface GroupHeader {
  functionalId: string;
  sender: string;
  receiver: string;
  /** GS08, e.g. 005010X217 */
  version: string;
  control?: string;
  agency?: string;
  date?: Date;
}

/** What `X12Writer.bodyWithValues` gives: the text of `body` and what the reader reads back from it. */
export interface WrittenBody {
  readonly text: string;
  /** Each segment's element strings, `[id, e01, ...]`, trailing empty elements dropped. */
  readonly values: string[][];
  /** Every character written is printable ASCII (0x20-0x7E). */
  readonly plain: boolean;
}

/**
 * Writes segments with chosen delimiters and line style, and keeps the envelope honest: ISA
 * fields padded to width, SE01/GE01/IEA01 counted, trailers echo their headers' control numbers.
 */
export class X12Writer {
  readonly delimiters: Delimiters;
  private readonly d: DelimiterStrings;
  private readonly lineEnding: string;
  private readonly finalLineEnding: boolean;
  private readonly controls: ControlNumberAllocator;
  private readonly now: () => Date;
  private readonly forbidden: Uint8Array = new Uint8Array(256);
  private parts: string[] = [];
  private first = true;
  private isaControl: string | null = null;
  private groupCount = 0;
  private groupControl: string | null = null;
  private txCount = 0;
  private stControl: string | null = null;
  private stSegments = 0;

  constructor(options: WriterOptions = {}) {
    this.delimiters = options.delimiters ?? DEFAULT_DELIMITERS;
    this.d = delimiterStrings(this.delimiters);
    this.lineEnding = options.lineEnding ?? '';
    this.finalLineEnding = options.finalLineEnding ?? this.lineEnding !== '';
    this.controls = options.controlNumbers ?? new MemoryControlNumbers();
    this.now = options.now ?? (() => new Date());
    const { element, component, repetition, segment } = this.delimiters;
    // Composites and repetitions arrive joined, so only these two may never stand in a value.
    for (const b of [element, segment]) if (b < 256) this.forbidden[b] = 1;
    if (new Set([element, component, segment]).size !== 3 || (repetition >= 0 && [element, component, segment].includes(repetition))) {
      throw new X12WriteError('delimiters must be four different characters');
    }
    for (const b of [element, component, repetition, segment]) {
      if (b >= 0 && isAlphanumeric(b)) throw new X12WriteError(`a letter or digit cannot be a delimiter: ${String.fromCharCode(b)}`);
    }
  }

  /**
   * Writes one segment: `[id, e01, e02, ...]`. Trailing empty elements are dropped. Composites and
   * repetitions must already be joined with this writer's separators (see `composite`).
   * `lead` replaces the line ending before this segment (to reproduce indentation).
   */
  segment(elements: readonly string[], lead?: string): void {
    let n = elements.length;
    while (n > 1 && elements[n - 1] === '') n--;
    const id = elements[0] ?? '';
    const isIsa = id === 'ISA';
    this.checkElement(id, 0, id);
    let text = id;
    for (let i = 1; i < n; i++) {
      const v = elements[i]!;
      this.checkElement(id, i, v);
      text += this.d.element + v;
    }
    if (isIsa) {
      // ISA is fixed width: every element is written, ISA16 is the component separator.
      for (let i = n; i < 17; i++) text += this.d.element;
    }
    this.parts.push(lead ?? (this.first ? '' : this.lineEnding), text, this.d.segment);
    this.first = false;
    if (this.stControl !== null) this.stSegments++;
  }

  /**
   * Renders segments given as components (`[[id], [e01c1, e01c2], [e02], ...]`) for `raw`: each
   * segment after this writer's line ending, composites joined and trailing empty elements and
   * components dropped, checked as `segment` checks them. Nothing is written.
   */
  body(segments: ReadonlyArray<ReadonlyArray<readonly string[]>>): string {
    const comp = this.d.component;
    const el = this.d.element;
    const lead = this.lineEnding;
    const term = this.d.segment;
    // Joined once at the end: one flat string, not a rope of every piece.
    const out: string[] = [];
    const values: string[] = [];
    for (const els of segments) {
      const id = els[0]?.[0] ?? '';
      this.checkElement(id, 0, id);
      values.length = 0;
      for (let i = 1; i < els.length; i++) values.push(joinComponents(els[i]!, comp));
      // Trailing empty elements are dropped (after their components are joined).
      let n = values.length;
      while (n > 0 && values[n - 1] === '') n--;
      out.push(lead, id);
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        this.checkElement(id, i + 1, v);
        out.push(el, v);
      }
      out.push(term);
    }
    return out.join('');
  }

  /**
   * `body`, also giving what the reader reads back from the text, taken as it is written: each
   * segment's element strings (`[id, e01, ...]`, exact size) and whether every character written
   * is printable ASCII (then the text reads back as these strings in any encoding).
   */
  bodyWithValues(segments: ReadonlyArray<ReadonlyArray<readonly string[]>>): WrittenBody {
    const comp = this.d.component;
    return this.renderRows(segments.length, (k, into) => {
      const els = segments[k]!;
      for (let i = 1; i < els.length; i++) into.push(joinComponents(els[i]!, comp));
      return els[0]?.[0] ?? '';
    });
  }

  /**
   * `bodyWithValues` for segments kept compact: `[id, e01, e02, ...]`, each element's components
   * joined with `joiner` (a character no value holds; trailing empty components dropped), which
   * this writer's component separator replaces.
   */
  bodyWithValuesCompact(segments: ReadonlyArray<readonly string[]>, joiner: string): WrittenBody {
    const comp = this.d.component;
    return this.renderRows(segments.length, (k, into) => {
      const els = segments[k]!;
      for (let i = 1; i < els.length; i++) {
        const v = els[i]!;
        into.push(v.indexOf(joiner) < 0 ? v : v.split(joiner).join(comp));
      }
      return els[0] ?? '';
    });
  }

  /** Renders `count` segments, each given by `row` (its id returned, its element strings pushed into `into`). */
  private renderRows(count: number, row: (k: number, into: string[]) => string): WrittenBody {
    const el = this.d.element;
    const lead = this.lineEnding;
    const term = this.d.segment;
    const out: string[] = [];
    const joined: string[] = [];
    const values: string[][] = new Array<string[]>(count);
    let plain = true;
    for (let k = 0; k < count; k++) {
      joined.length = 0;
      const id = row(k, joined);
      if (!this.checkValue(id, 0, id)) plain = false;
      let n = joined.length;
      while (n > 0 && joined[n - 1] === '') n--;
      const seg = new Array<string>(n + 1);
      seg[0] = id;
      out.push(lead, id);
      for (let i = 0; i < n; i++) {
        const v = joined[i]!;
        if (!this.checkValue(id, i + 1, v)) plain = false;
        seg[i + 1] = v;
        out.push(el, v);
      }
      out.push(term);
      values[k] = seg;
    }
    return { text: out.join(''), values, plain };
  }

  /** Appends segments rendered by `body` (`count` of them; counted in SE01 inside a transaction). */
  raw(text: string, count: number): void {
    if (count === 0) return;
    this.parts.push(text);
    this.first = false;
    if (this.stControl !== null) this.stSegments += count;
  }

  /** Joins components with this writer's component separator (trailing empty ones dropped). */
  composite(...components: string[]): string {
    let n = components.length;
    while (n > 1 && components[n - 1] === '') n--;
    return components.slice(0, n).join(this.d.component);
  }

  /** Joins repetitions with this writer's repetition separator. */
  repeat(...values: string[]): string {
    if (this.d.repetition === '' && values.length > 1) throw new X12WriteError('this interchange has no repetition separator');
    return values.join(this.d.repetition);
  }

  beginInterchange(h: InterchangeHeader): string {
    if (this.isaControl !== null) throw new X12WriteError('interchange already open');
    const control = h.control ?? this.controls.nextInterchange(h.sender, h.receiver);
    const date = h.date ?? this.now();
    const version = h.version ?? '00501';
    this.segment([
      'ISA',
      fixed('ISA01', h.authorizationQualifier ?? '00', 2),
      fixed('ISA02', h.authorization ?? '', 10),
      fixed('ISA03', h.securityQualifier ?? '00', 2),
      fixed('ISA04', h.security ?? '', 10),
      fixed('ISA05', h.senderQualifier, 2),
      fixed('ISA06', h.sender, 15),
      fixed('ISA07', h.receiverQualifier, 2),
      fixed('ISA08', h.receiver, 15),
      yymmdd(date),
      hhmm(date),
      version >= '00402' ? (this.d.repetition === '' ? 'U' : this.d.repetition) : 'U',
      fixed('ISA12', version, 5),
      control.padStart(9, '0'),
      h.ackRequested ? '1' : '0',
      h.usage ?? 'P',
      this.d.component,
    ]);
    if (control.length > 9 || !/^[0-9]+$/.test(control)) throw new X12WriteError(`ISA13 must be up to 9 digits: ${control}`);
    this.isaControl = control.padStart(9, '0');
    this.groupCount = 0;
    return this.isaControl;
  }

  beginGroup(h: GroupHeader): string {
    if (this.isaControl === null) throw new X12WriteError('GS outside an interchange');
    if (this.groupControl !== null) throw new X12WriteError('group already open');
    const control = h.control ?? this.controls.nextGroup(h.sender, h.receiver);
    const date = h.date ?? this.now();
    this.segment(['GS', h.functionalId, h.sender, h.receiver, ccyymmdd(date), hhmm(date), control, h.agency ?? 'X', h.version]);
    this.groupControl = control;
    this.groupCount++;
    this.txCount = 0;
    return control;
  }

  beginTransaction(type: string, implementation: string, control?: string): string {
    if (this.groupControl === null) throw new X12WriteError('ST outside a functional group');
    if (this.stControl !== null) throw new X12WriteError('transaction set already open');
    const c = control ?? this.controls.nextTransaction(this.groupControl);
    this.stControl = c;
    this.stSegments = 0;
    this.segment(['ST', type, c, implementation]);
    this.txCount++;
    return c;
  }

  endTransaction(): void {
    if (this.stControl === null) throw new X12WriteError('SE without ST');
    const count = this.stSegments + 1;
    const c = this.stControl;
    this.segment(['SE', String(count), c]);
    this.stControl = null;
  }

  endGroup(): void {
    if (this.groupControl === null) throw new X12WriteError('GE without GS');
    if (this.stControl !== null) this.endTransaction();
    this.segment(['GE', String(this.txCount), this.groupControl]);
    this.groupControl = null;
  }

  endInterchange(): void {
    if (this.isaControl === null) throw new X12WriteError('IEA without ISA');
    if (this.groupControl !== null) this.endGroup();
    this.segment(['IEA', String(this.groupCount), this.isaControl]);
    this.isaControl = null;
  }

  /** Everything written so far (and clears it), with the final line ending when asked. */
  drain(final = true): string {
    if (final && this.finalLineEnding && this.parts.length > 0) this.parts.push(this.lineEnding);
    const out = this.parts.join('');
    this.parts = [];
    return out;
  }

  toString(): string {
    return this.parts.join('') + (this.finalLineEnding && this.parts.length > 0 ? this.lineEnding : '');
  }

  /** checkElement, also telling whether the value is printable ASCII. */
  private checkValue(id: string, n: number, v: string): boolean {
    const f = this.forbidden;
    let plain = true;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) {
        plain = false;
        if (c > 0xff) continue;
      }
      if (f[c] === 1) throw new X12WriteError(`${id}${String(n).padStart(2, '0')} holds a delimiter ${JSON.stringify(v[i])}: ${JSON.stringify(v)}`);
    }
    return plain;
  }

  private checkElement(id: string, n: number, v: string): void {
    const f = this.forbidden;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c < 256 && f[c] === 1) {
        throw new X12WriteError(`${id}${String(n).padStart(2, '0')} holds a delimiter ${JSON.stringify(v[i])}: ${JSON.stringify(v)}`);
      }
    }
  }
}

/** Joins a composite's components with `sep`, trailing empty components dropped (as `body` writes them). */
export function joinComponents(c: readonly string[], sep: string): string {
  let n = c.length;
  while (n > 1 && c[n - 1] === '') n--;
  if (n === 1) return c[0]!;
  let out = n === 0 ? '' : c[0]!;
  for (let i = 1; i < n; i++) out += sep + c[i]!;
  return out;
}

function fixed(name: string, v: string, width: number): string {
  if (v.length > width) throw new X12WriteError(`${name} is longer than ${width}: ${JSON.stringify(v)}`);
  return v.padEnd(width, ' ');
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function yymmdd(d: Date): string {
  return two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate());
}

export function ccyymmdd(d: Date): string {
  return String(d.getUTCFullYear()) + two(d.getUTCMonth() + 1) + two(d.getUTCDate());
}

export function hhmm(d: Date): string {
  return two(d.getUTCHours()) + two(d.getUTCMinutes());
}

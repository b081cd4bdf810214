import type { Finding } from './finding.js';
import type { Segment } from './segment.js';

/** ISA fields: fixed width, the TA105 note code for a bad value, and what is allowed. */
interface IsaField {
  width: number;
  note: string;
  label: string;
  allowed?: readonly string[];
  digits?: boolean;
}

const ISA_FIELDS: readonly IsaField[] = [
  { width: 2, note: '010', label: 'authorization qualifier', allowed: ['00', '03'] },
  { width: 10, note: '011', label: 'authorization information' },
  { width: 2, note: '012', label: 'security qualifier', allowed: ['00', '01'] },
  { width: 10, note: '013', label: 'security information' },
  { width: 2, note: '005', label: 'sender id qualifier', allowed: ['01', '14', '20', '27', '28', '29', '30', '33', 'ZZ'] },
  { width: 15, note: '006', label: 'sender id' },
  { width: 2, note: '007', label: 'receiver id qualifier', allowed: ['01', '14', '20', '27', '28', '29', '30', '33', 'ZZ'] },
  { width: 15, note: '008', label: 'receiver id' },
  { width: 6, note: '014', label: 'date', digits: true },
  { width: 4, note: '015', label: 'time', digits: true },
  { width: 1, note: '016', label: 'repetition separator' },
  { width: 5, note: '017', label: 'version', digits: true },
  { width: 9, note: '018', label: 'control number', digits: true },
  { width: 1, note: '019', label: 'acknowledgment requested', allowed: ['0', '1'] },
  { width: 1, note: '020', label: 'usage indicator', allowed: ['P', 'T', 'I'] },
  { width: 1, note: '027', label: 'component separator' },
];

/** Checks the ISA's 16 fields: widths, code values, dates. Returns findings (errors reject). */
export function checkIsa(isa: Segment): Finding[] {
  const out: Finding[] = [];
  const el = isa.elements();
  const at = { segment: 'ISA', offset: isa.offset, ordinal: isa.ordinal };
  if (el.length !== 17) {
    out.push({
      severity: 'error',
      code: 'ISA_FIELD_COUNT',
      message: `ISA has ${el.length - 1} elements, expected 16`,
      ...at,
      ack: { level: 'interchange', note: '022', reject: true },
    });
  }
  for (let n = 1; n <= 16; n++) {
    const f = ISA_FIELDS[n - 1]!;
    const v = el[n] ?? '';
    const name = `ISA${String(n).padStart(2, '0')}`;
    const bad = (why: string): void => {
      out.push({
        severity: 'error',
        code: 'ISA_FIELD',
        message: `${name} (${f.label}) ${why}: ${JSON.stringify(v)}`,
        ...at,
        ack: { level: 'interchange', note: f.note, reject: true },
      });
    };
    if (v.length !== f.width) {
      bad(`must be exactly ${f.width} character(s), found ${v.length}`);
      continue;
    }
    if (f.allowed && !f.allowed.includes(v)) bad(`is not one of ${f.allowed.join(', ')}`);
    else if (f.digits && !/^[0-9]+$/.test(v)) bad('must be digits');
    else if (n === 9 && !validYymmdd(v)) bad('is not a valid date (YYMMDD)');
    else if (n === 10 && !validHhmm(v)) bad('is not a valid time (HHMM)');
  }
  const version = el[12] ?? '';
  const rep = el[11] ?? '';
  if (version.length === 5 && version >= '00402' && rep.length === 1 && /[A-Za-z0-9 ]/.test(rep)) {
    out.push({
      severity: 'warning',
      code: 'ISA_NO_REPETITION_SEPARATOR',
      message: `ISA11 is ${JSON.stringify(rep)} under version ${version}: read as no repetition separator`,
      ...at,
    });
  }
  if (version.length === 5 && version !== '00501') {
    out.push({
      severity: 'warning',
      code: 'ISA_VERSION',
      message: `interchange version ${version}; HIPAA 5010 exchanges use 00501`,
      ...at,
    });
  }
  return out;
}

export function validYymmdd(v: string): boolean {
  if (!/^[0-9]{6}$/.test(v)) return false;
  const y = 2000 + Number(v.slice(0, 2));
  return validDate(y, Number(v.slice(2, 4)), Number(v.slice(4, 6)));
}

export function validCcyymmdd(v: string): boolean {
  if (!/^[0-9]{8}$/.test(v)) return false;
  return validDate(Number(v.slice(0, 4)), Number(v.slice(4, 6)), Number(v.slice(6, 8)));
}

export function validHhmm(v: string): boolean {
  if (!/^[0-9]{4}([0-9]{2}([0-9]{1,2})?)?$/.test(v)) return false;
  return Number(v.slice(0, 2)) < 24 && Number(v.slice(2, 4)) < 60 && (v.length < 6 || Number(v.slice(4, 6)) < 60);
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}

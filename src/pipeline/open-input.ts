import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** What an input holds, told from its first bytes. */
export type InputKind = 'x12' | 'fhir' | 'unknown';

export interface OpenedInput {
  readonly kind: InputKind;
  /** The (gunzipped) bytes, from the start. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Bytes read from the file itself so far (compressed bytes for a .gz). */
  readonly fileBytes: () => number;
  /** Stops reading (when the rest is not wanted). */
  readonly close: () => void;
}

/**
 * Opens an input (`-` is standard input); a gzip stream (by its magic bytes, whatever the
 * name) is gunzipped. The kind is read from the first 64 KiB (however it is chunked): `{` after
 * a BOM and blanks is FHIR JSON, an `ISA` followed by a separator is X12, anything else unknown.
 */
export async function openInput(path: string, chunkSize = 1 << 20): Promise<OpenedInput> {
  const raw: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: chunkSize });
  let fileBytes = 0;
  raw.on('data', (c: Buffer) => (fileBytes += c.length));
  const rawHead = await peek(raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>, 2);
  let opened = rawHead;
  if (rawHead.head[0] === 0x1f && rawHead.head[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: Math.min(chunkSize, 1 << 20) });
    const fed = (async () => {
      for await (const c of rawHead.chunks) if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r));
      gunzip.end();
    })();
    fed.catch((e: unknown) => gunzip.destroy(e as Error));
    opened = await peek(gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>, SNIFF_BYTES);
  } else if (rawHead.head.length < SNIFF_BYTES) {
    opened = await peek(rawHead.chunks[Symbol.asyncIterator](), SNIFF_BYTES);
  }
  return { kind: kindOf(opened.head), chunks: opened.chunks, fileBytes: () => fileBytes, close: () => (path === '-' ? undefined : raw.destroy()) };
}

/** How much of an input is looked at to tell its kind (whatever the read chunk size). */
const SNIFF_BYTES = 1 << 16;

/**
 * Reads chunks until at least `bytes` (or the end) have come: their concatenation, and all the
 * chunks from the first on, as they came.
 */
async function peek(it: AsyncIterator<Buffer>, bytes: number): Promise<{ head: Buffer; chunks: AsyncIterable<Buffer> }> {
  const first: Buffer[] = [];
  let n = 0;
  let done = false;
  while (n < bytes) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    first.push(r.value);
    n += r.value.length;
  }
  const chunks = (async function* (): AsyncGenerator<Buffer> {
    yield* first;
    if (!done) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  })();
  return { head: first.length === 1 ? first[0]! : Buffer.concat(first), chunks };
}

/**
 * The kind of a file, from its first bytes; null when it cannot be told ahead: standard input,
 * or a file that cannot be opened or whose start is not readable (the run reports it when it
 * comes to it).
 */
export async function sniffKind(path: string): Promise<InputKind | null> {
  if (path === '-') return null;
  let opened: OpenedInput;
  try {
    opened = await openInput(path, 1 << 16);
  } catch {
    return null;
  }
  opened.close();
  return opened.kind;
}

/** The kind of input its first bytes show. */
export function kindOf(head: Uint8Array): InputKind {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (head[i] === 0x7b) return 'fhir';
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 1 << 16)).toString('latin1');
  return /ISA[^A-Za-z0-9\s]/.test(text) ? 'x12' : 'unknown';
}

/** Why reading an input failed: its code in the report line and the reason. */
export interface ReadFailure {
  readonly code: 'UNREADABLE_INPUT' | 'CORRUPT_GZIP' | 'READ_ERROR';
  readonly message: string;
}

/** The report code and reason of an error opening or reading an input. */
export function readFailureOf(e: unknown, opening: boolean): ReadFailure {
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : '';
  if (code.startsWith('Z_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED' || /unexpected end of file|incorrect header check|invalid (block type|distance|stored block|code)|(header|data) crc|gzip/i.test(String(err?.message))) {
    return { code: 'CORRUPT_GZIP', message: `the gzip stream is corrupt or cut short (${String(err?.message ?? e)}): what came before was read` };
  }
  return { code: opening ? 'UNREADABLE_INPUT' : 'READ_ERROR', message: `${opening ? 'cannot be opened' : 'read failed'}: ${code !== '' ? `${code} ` : ''}${String(err?.message ?? e)}` };
}

/**
 * The chunks of an input until a read error (a corrupt gzip stream, an I/O error), which ends
 * them as if the input ended there and is kept in `state.failure` (reported after what was read).
 */
export async function* untilReadFailure(chunks: AsyncIterable<Uint8Array>, state: { failure: ReadFailure | null }): AsyncGenerator<Uint8Array> {
  try {
    for await (const c of chunks) yield c;
  } catch (e) {
    state.failure = readFailureOf(e, false);
  }
}

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
 * name) is gunzipped. The kind is read from the first chunk: `{` after a BOM and blanks is FHIR
 * JSON, an `ISA` followed by a separator in the first 64 KiB is X12, anything else is unknown.
 */
export async function openInput(path: string, chunkSize = 1 << 20): Promise<OpenedInput> {
  const raw: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: chunkSize });
  let fileBytes = 0;
  raw.on('data', (c: Buffer) => (fileBytes += c.length));
  const rawIt = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await rawIt.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : first.value;
  const rest = (async function* (): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let r = await rawIt.next(); !r.done; r = await rawIt.next()) yield r.value;
  })();
  let chunks: AsyncIterable<Uint8Array> = rest;
  let sniffed = head;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: Math.min(chunkSize, 1 << 20) });
    const fed = (async () => {
      for await (const c of rest) if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r));
      gunzip.end();
    })();
    fed.catch((e: unknown) => gunzip.destroy(e as Error));
    const it = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const g = await it.next();
    sniffed = g.done ? Buffer.alloc(0) : g.value;
    const start = sniffed;
    chunks = (async function* (): AsyncGenerator<Buffer> {
      if (start.length > 0) yield start;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })();
  }
  return { kind: kindOf(sniffed), chunks, fileBytes: () => fileBytes, close: () => (path === '-' ? undefined : raw.destroy()) };
}

/** The kind of a file, from its first bytes (standard input cannot be looked at ahead: null). */
export async function sniffKind(path: string): Promise<InputKind | null> {
  if (path === '-') return null;
  const opened = await openInput(path, 1 << 16);
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

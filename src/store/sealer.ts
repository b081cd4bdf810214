/**
 * Encryption at rest for what the store keeps of bundles and 278s: AES-256-GCM, a fresh 96-bit IV
 * per value, the key's id (first 8 hex digits of its SHA-256) in each sealed value so rotated keys
 * still open old rows. Sealed text: `enc1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url). A value
 * without the prefix is clear text written before encryption was turned on, and reads as it is.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc1:';

export class SealerError extends Error {}

export class Sealer {
  private readonly keys: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };

  /** `keys`: 32-byte keys, the first one seals; all open. */
  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new SealerError('no key');
    this.keys = new Map();
    for (const k of keys) {
      if (k.length !== 32) throw new SealerError(`a key must be 32 bytes (256 bits), got ${k.length}`);
      this.keys.set(keyId(k), k);
    }
    const first = keys[0]!;
    this.current = { id: keyId(first), key: first };
  }

  seal(text: string): string;
  seal(text: string | null): string | null;
  seal(text: string | null): string | null {
    if (text === null) return null;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.current.key, iv);
    const ct = Buffer.concat([c.update(text, 'utf8'), c.final()]);
    return `${PREFIX}${this.current.id}:${iv.toString('base64url')}:${c.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
  }

  open(value: string): string;
  open(value: string | null): string | null;
  open(value: string | null): string | null {
    if (value === null || !value.startsWith(PREFIX)) return value;
    const [id, iv, tag, ct] = value.slice(PREFIX.length).split(':');
    const key = this.keys.get(id ?? '');
    if (key === undefined || iv === undefined || tag === undefined || ct === undefined) throw new SealerError(`a stored value was sealed with key ${id ?? '?'}, which is not configured`);
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new SealerError(`a stored value sealed with key ${id} does not authenticate (changed or a wrong key)`);
    }
  }
}

export const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** A key as written in a file or variable: 64 hex digits or base64 of 32 bytes. */
export function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  const k = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (k.length !== 32) throw new SealerError(`${where}: a key is 64 hex digits or the base64 of 32 bytes`);
  return k;
}

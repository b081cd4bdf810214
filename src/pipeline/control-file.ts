import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ControlNumberAllocator } from '../x12/index.js';

/**
 * Control numbers that never repeat for a sender/receiver pair across runs: ISA13, GS06 and ST02
 * are counted per pair in a state file (JSON). A run reserves blocks of numbers under an
 * exclusive lock file (created with O_EXCL, holding the owner's pid; a lock whose owner is gone
 * is taken over), so two runs on the same file never hand out the same number; at the end it
 * gives back what it did not use when no other run reserved after it, so consecutive runs count
 * on without gaps. The gateway's store implements ControlNumberAllocator the same way.
 */

/** The state file used when none is given: $X12PAS_CONTROL_FILE, else under $XDG_STATE_HOME (default ~/.local/state). */
export function defaultControlFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.X12PAS_CONTROL_FILE) return env.X12PAS_CONTROL_FILE;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'x12pas', 'control-numbers.json');
}

type Kind = 'isa' | 'gs' | 'st';
const KINDS: readonly Kind[] = ['isa', 'gs', 'st'];
const MAX = 999_999_999;

interface State {
  version: 1;
  /** `sender|receiver` -> the last number handed out (or reserved) of each kind. */
  pairs: Record<string, Partial<Record<Kind, number>>>;
}

interface Block {
  next: number;
  /** The last number of the block (inclusive). */
  end: number;
}

export interface ControlFileOptions {
  /** Numbers reserved at once (default 32). */
  readonly block?: number;
  /** How long to wait for another run's lock before giving up (default 30 s). */
  readonly lockTimeoutMs?: number;
}

export class ControlFileError extends Error {
  override name = 'ControlFileError';
}

export class FileControlNumbers implements ControlNumberAllocator {
  private readonly blocks = new Map<string, Block>();
  /** The pair each group control number was handed out for (its ST02s count in that pair). */
  private readonly groupPair = new Map<string, string>();
  private readonly block: number;
  private readonly lockTimeoutMs: number;

  constructor(
    readonly path: string,
    options: ControlFileOptions = {},
  ) {
    this.block = Math.max(1, options.block ?? 32);
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  }

  nextInterchange(sender: string, receiver: string): string {
    return String(this.take(pairKey(sender, receiver), 'isa')).padStart(9, '0');
  }

  nextGroup(sender: string, receiver: string): string {
    const pair = pairKey(sender, receiver);
    const n = String(this.take(pair, 'gs'));
    this.groupPair.set(n, pair);
    if (this.groupPair.size > 1024) this.groupPair.delete(this.groupPair.keys().next().value as string);
    return n;
  }

  nextTransaction(groupControl: string): string {
    return String(this.take(this.groupPair.get(groupControl) ?? '|', 'st')).padStart(4, '0');
  }

  /** Gives back the numbers reserved and not used, where no other run has reserved after them. Call at the end of a run. */
  close(): void {
    const open = [...this.blocks.entries()].filter(([, b]) => b.next <= b.end);
    this.blocks.clear();
    if (open.length === 0) return;
    this.locked((state) => {
      for (const [key, b] of open) {
        const [pair, kind] = splitKey(key);
        const counters = state.pairs[pair];
        if (counters !== undefined && counters[kind] === b.end) counters[kind] = b.next - 1;
      }
      return true;
    });
  }

  private take(pair: string, kind: Kind): number {
    const key = `${kind}\u0000${pair}`;
    let b = this.blocks.get(key);
    if (b === undefined || b.next > b.end) {
      b = this.reserve(pair, kind);
      this.blocks.set(key, b);
    }
    return b.next++;
  }

  /** Reserves the next block of a pair's numbers of one kind (wrapping after 999999999). */
  private reserve(pair: string, kind: Kind): Block {
    let block: Block = { next: 1, end: 1 };
    this.locked((state) => {
      const counters = (state.pairs[pair] ??= {});
      let last = counters[kind] ?? 0;
      if (last >= MAX) last = 0;
      const end = Math.min(MAX, last + this.block);
      counters[kind] = end;
      block = { next: last + 1, end };
      return true;
    });
    return block;
  }

  /** Runs `change` on the state under the lock; writes the state back (atomically) when it returns true. */
  private locked(change: (state: State) => boolean): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const lock = `${this.path}.lock`;
    const deadline = Date.now() + this.lockTimeoutMs;
    for (;;) {
      let fd: number;
      try {
        fd = openSync(lock, 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (staleLock(lock)) {
          rmSync(lock, { force: true });
          continue;
        }
        if (Date.now() > deadline) throw new ControlFileError(`control number file ${this.path} stays locked (${lock}); remove the lock if no x12pas is running`);
        sleep(2 + Math.floor(Math.random() * 8));
        continue;
      }
      try {
        writeSync(fd, String(process.pid));
        closeSync(fd);
        const state = readState(this.path);
        if (change(state)) {
          const tmp = `${this.path}.${process.pid}.tmp`;
          const out = openSync(tmp, 'w');
          try {
            writeSync(out, JSON.stringify(state) + '\n');
          } finally {
            closeSync(out);
          }
          renameSync(tmp, this.path);
        }
      } finally {
        rmSync(lock, { force: true });
      }
      return;
    }
  }
}

function pairKey(sender: string, receiver: string): string {
  return `${sender.trim()}|${receiver.trim()}`;
}

function splitKey(key: string): [string, Kind] {
  const i = key.indexOf('\u0000');
  return [key.slice(i + 1), key.slice(0, i) as Kind];
}

function readState(path: string): State {
  if (!existsSync(path)) return { version: 1, pairs: {} };
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ControlFileError(`control number file ${path} is not JSON (${(e as Error).message}); fix or remove it`);
  }
  const pairs = (v as { pairs?: unknown } | null)?.pairs;
  if (typeof pairs !== 'object' || pairs === null || Array.isArray(pairs)) throw new ControlFileError(`control number file ${path} has no "pairs" object; fix or remove it`);
  for (const c of Object.values(pairs as Record<string, unknown>)) {
    for (const k of KINDS) {
      const n = (c as Record<string, unknown> | null)?.[k];
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) throw new ControlFileError(`control number file ${path} holds a counter that is not a whole number; fix or remove it`);
    }
  }
  return { version: 1, pairs: pairs as State['pairs'] };
}

/** A lock whose owner process is gone, or older than a minute with no readable owner. */
function staleLock(lock: string): boolean {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch {
    return false;
  }
  const pid = Number(text);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
  try {
    return Date.now() - statSync(lock).mtimeMs > 60_000;
  } catch {
    return false;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

import { writeFileSync, truncateSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plannedWorkers } from '../../src/cli/convert.js';
import type { InputFile } from '../../src/pipeline/inputs.js';
import { defaultWorkers, SMALL_INPUT_BYTES } from '../../src/pipeline/worker-plan.js';
import { cli, SAMPLES, tempDir, CRASH_CONVERTER } from './support.js';

const file = (path: string, size: number): InputFile => ({ path, name: path, size });

describe('how many workers convert starts', () => {
  it('none for small inputs, one per core from SMALL_INPUT_BYTES on, .gz counted at ten times, standard input as large', () => {
    expect(defaultWorkers([file('a.x12', 1000)], 4)).toBe(0);
    expect(defaultWorkers([file('a.x12', SMALL_INPUT_BYTES - 1)], 4)).toBe(0);
    expect(defaultWorkers([file('a.x12', SMALL_INPUT_BYTES / 2), file('b.x12', SMALL_INPUT_BYTES / 2)], 4)).toBe(4);
    expect(defaultWorkers([file('a.x12.gz', SMALL_INPUT_BYTES / 10 - 1)], 4)).toBe(0);
    expect(defaultWorkers([file('a.x12.GZ', SMALL_INPUT_BYTES / 10)], 4)).toBe(4);
    expect(defaultWorkers([file('-', 0)], 4)).toBe(4);
    expect(defaultWorkers([], 4)).toBe(0);
  });

  it('plans from the arguments as convert reads them: --workers N first, then the inputs found', () => {
    const dir = tempDir();
    const small = join(SAMPLES, 'referral-request.x12');
    const big = join(dir, 'big.x12');
    writeFileSync(big, '');
    truncateSync(big, SMALL_INPUT_BYTES); // sparse: the size is what counts
    const cores = availableParallelism();
    expect(plannedWorkers([small])).toBe(0);
    expect(plannedWorkers(['-o', big, small])).toBe(0); // an option's value is not an input
    expect(plannedWorkers([big])).toBe(cores);
    expect(plannedWorkers([dir])).toBe(cores);
    expect(plannedWorkers(['--workers', '3', small])).toBe(3);
    expect(plannedWorkers(['--workers=1', big])).toBe(1);
    expect(plannedWorkers(['-'])).toBe(cores);
    // What convert refuses, it reports itself (no workers planned for it).
    expect(plannedWorkers(['--workers', 'x', small])).toBe(0);
    expect(plannedWorkers([join(dir, 'missing.x12')])).toBe(0);
    expect(plannedWorkers(['--help'])).toBe(0);
    expect(plannedWorkers([])).toBe(0);
  });

  it('says in its summary where it converted: a small file on the main thread, with a converter module in workers', () => {
    const sample = join(SAMPLES, 'referral-request.x12');
    const here = cli(['convert', '-o', join(tempDir(), 'out.ndjson'), '--report', join(tempDir(), 'r.ndjson'), sample]);
    expect(here.code).toBe(0);
    expect(here.stderr).toMatch(/transactions\/s, no worker threads\)\n$/);
    // X12PAS_CONVERTER runs in the workers, so it asks for them whatever the size (this one crashes on none of the sample's sets).
    const there = cli(['convert', '-o', join(tempDir(), 'out.ndjson'), '--report', join(tempDir(), 'r.ndjson'), sample], { X12PAS_CONVERTER: CRASH_CONVERTER });
    expect(there.stderr).toMatch(new RegExp(`transactions/s, ${availableParallelism()} worker thread\\(s\\)\\)\\n$`));
  });
});

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCK_CONVERTER, cli, CRASH_CONVERTER, jsonLines, SAMPLES, startCli, tempDir, tree } from './support.js';

const BATCH = readFileSync(join(SAMPLES, 'batch-requests.x12'), 'latin1');

/** batch-requests.x12 with its second transaction set's control number (ST02 and SE02) changed. */
function withSecondControl(control: string): string {
  return BATCH.replace('ST*278*0002*', `ST*278*${control}*`).replace(/SE\*(\d+)\*0002~/, `SE*$1*${control}~`);
}

async function waitFor(check: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('failure isolation and resuming', () => {
  it('a worker that dies on one transaction set costs that set (rejected, reported), not the run', () => {
    const dir = tempDir();
    const file = join(dir, 'in.x12');
    writeFileSync(file, withSecondControl('0666') + BATCH, 'latin1');
    const r = cli(['convert', '--workers', '2', '--report', join(dir, 'report.ndjson'), file], { X12PAS_CONVERTER: CRASH_CONVERTER });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('6 transaction set(s) read: 5 converted, 1 rejected');
    expect(jsonLines(r.stdout).map((b) => (b.identifier as { value: string }).value)).toEqual(['CLN20261123A1', 'CLN20261123B7', 'CLN20261123A1', 'CLN20261123C3', 'CLN20261123B7']);
    const rejected = jsonLines(readFileSync(join(dir, 'report.ndjson'), 'utf8')).filter((l) => l.status === 'rejected');
    expect(rejected).toEqual([
      {
        file,
        offset: BATCH.indexOf('ST*278*0002'),
        interchange: '000000104',
        group: '41',
        control: '0666',
        implementation: '005010X217',
        status: 'rejected',
        findings: [{ severity: 'error', code: 'WORKER_CRASHED', message: 'the worker converting this transaction set died: worker exited with code 70' }],
      },
    ]);
  });

  it('a run killed mid-way and rerun with --resume leaves the same outputs as one clean run', async () => {
    const dir = tempDir();
    const inDir = join(dir, 'in');
    const files = { 'a.x12': BATCH, 'b.x12': withSecondControl('0999'), 'c.x12': BATCH.replaceAll('CLN20261123', 'CLN20261124') };
    mkdirSync(inDir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(inDir, name), text, 'latin1');
    const clean = cli(['convert', '-q', '--out-dir', join(dir, 'clean'), '--ack-dir', join(dir, 'clean-acks'), '--report', join(dir, 'r0'), inDir]);
    expect(clean.code).toBe(0);
    // The first run stops for good on b.x12's second set (its worker blocks); a.x12 is complete by then.
    const out = join(dir, 'out');
    const child = startCli(['convert', '-q', '--out-dir', out, '--ack-dir', join(dir, 'acks'), '--report', join(dir, 'r1'), inDir], { X12PAS_CONVERTER: BLOCK_CONVERTER });
    await waitFor(() => existsSync(join(out, 'a.ndjson')) && existsSync(join(out, '.b.ndjson.partial')));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(readdirSync(out).sort()).toEqual(['.b.ndjson.partial', 'a.ndjson']);
    const resumed = cli(['convert', '--resume', '--out-dir', out, '--ack-dir', join(dir, 'acks'), '--report', join(dir, 'r2'), inDir]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('6 transaction set(s) read: 6 converted, 0 rejected; 2 file(s) (1 skipped: output complete)');
    expect(tree(out)).toEqual(tree(join(dir, 'clean')));
    expect(Object.keys(tree(out))).toEqual(['a.ndjson', 'b.ndjson', 'c.ndjson']);
    expect(undated(tree(join(dir, 'acks')))).toEqual(undated(tree(join(dir, 'clean-acks'))));
    expect(Object.keys(tree(join(dir, 'acks')))).toEqual(['a.1.ack.x12', 'b.1.ack.x12', 'c.1.ack.x12']);
  });
});

/**
 * Acknowledgments with the time they were written (ISA09/ISA10, GS04/GS05) and their own control
 * numbers (ISA13/IEA02, GS06/GE02, ST02/SE02: counted on across runs) blanked.
 */
function undated(files: Record<string, string>): Record<string, string> {
  const blank = (v: string): string =>
    v
      .replace(/\*\d{6}\*\d{4}\*/g, '*D*T*')
      .replace(/\*\d{8}\*\d{4,8}\*/g, '*D*T*')
      .replace(/(\*00501\*)\d{9}\*/g, '$1N*')
      .replace(/^IEA\*(\d+)\*\d+~/gm, 'IEA*$1*N~')
      .replace(/^(GS\*FA\*[^*]*\*[^*]*\*D\*T\*)\d+\*/gm, '$1N*')
      .replace(/^GE\*(\d+)\*\d+~/gm, 'GE*$1*N~')
      .replace(/^ST\*999\*\d+\*/gm, 'ST*999*N*')
      .replace(/^SE\*(\d+)\*\d+~/gm, 'SE*$1*N~');
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, blank(v)]));
}

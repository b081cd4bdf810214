import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '../support/shared.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin/x12pas.js');
export const SAMPLES = join(ROOT, 'samples');
/** An IG example request bundle, in ../shared (read inside `describeShared`). */
export const PAS_EXAMPLE = join(sharedPath('fhir-packages'), 'hl7.fhir.us.davinci-pas#2.2.1/package/example/Bundle-ReferralAuthorizationBundleExample.json');
export const CRASH_CONVERTER = new URL('./fixtures/crash-converter.mjs', import.meta.url).href;
export const BLOCK_CONVERTER = new URL('./fixtures/block-converter.mjs', import.meta.url).href;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'x12pas-pipeline-'));
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end. */
export function cli(args: string[], env: Record<string, string> = {}, input?: Buffer): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, ...(input !== undefined ? { input } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI; the caller waits for what it needs and kills it. */
export function startCli(args: string[], env: Record<string, string> = {}): ReturnType<typeof spawn> {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
}

/** Every file under a directory, by relative path, with its contents. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return out;
}

/** The NDJSON lines of a text, parsed. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

#!/usr/bin/env node
// Entry point of the x12pas command. The TypeScript sources are compiled to dist/ by `npm ci`
// (the prepare script) or `npm run build`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('x12pas: dist/ is missing; run `npm run build` (npm ci runs it for you)\n');
  process.exit(2);
}
const args = process.argv.slice(2);

// convert itself says how many workers it will start (--workers N, or by the inputs' size).
const withWorkers = args[0] === 'convert' && !process.execArgv.includes('--single-threaded-gc') && (await import(new URL('../dist/cli/convert.js', import.meta.url).href)).plannedWorkers(args.slice(1)) >= 1;
if (withWorkers) {
  const child = spawn(process.execPath, ['--single-threaded-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => child.kill(s));
  child.on('error', (e) => {
    process.stderr.write(`x12pas: cannot start the converter: ${e.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 2);
    // Die of the same signal (its forwarding handler removed first).
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
} else {
  if (process.channel !== undefined) {
    // Started by the branch above: stop when the parent is gone (even killed outright).
    process.channel.unref();
    process.on('disconnect', () => process.exit(130));
  }
  const { main } = await import(entry.href);
  process.exitCode = await main(args);
}

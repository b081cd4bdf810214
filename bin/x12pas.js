#!/usr/bin/env node
// Entry point of the x12pas command. The TypeScript sources are compiled to dist/ by `npm ci`
// (the prepare script) or `npm run build`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('x12pas: dist/ is missing; run `npm run build` (npm ci runs it for you)\n');
  process.exit(2);
}
const args = process.argv.slice(2);

/** Worker threads `convert` will start: --workers N, else every core. */
function workersOf(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workers') return Number(argv[i + 1]);
    if (argv[i]?.startsWith('--workers=')) return Number(argv[i].slice('--workers='.length));
  }
  return availableParallelism();
}

// With worker threads, V8's own garbage-collector helper threads take the cores the workers and
// the reading thread need: on the 200 MB bench file, 2 workers ran 1.23x one with them and 1.77x
// without; one worker alone is 12-17% faster without them. Those are process-wide V8 flags, set
// only at start: `convert` then runs in a child node with --single-threaded-gc, which ends when
// this process does (its IPC channel closes). `--workers 0` (conversion on the reading thread) is
// left as it is.
if (args[0] === 'convert' && workersOf(args) >= 1 && !process.execArgv.includes('--single-threaded-gc') && !args.includes('-h') && !args.includes('--help')) {
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

#!/usr/bin/env node
// Entry point of the x12pas command. The TypeScript sources are compiled to dist/ by `npm ci`
// (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('x12pas: dist/ is missing; run `npm run build` (npm ci runs it for you)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

/**
 * The X217 response tables (`mappings/response/*.json`), compiled once by the same table compiler
 * as the request tables, against the `278-x217-response` grammar.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grammarSet } from '../grammar/index.js';
import { compileTables, MappingTableError, type CompiledTables } from './table.js';

const RESPONSE_DIR = fileURLToPath(new URL('../../mappings/response/', import.meta.url));

/** Every `*.json` of `mappings/response/` (sorted by name), named relative to the repository. */
export function readResponseTableFiles(dir: string = RESPONSE_DIR): Array<[string, unknown]> {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const file = `mappings/response/${n}`;
      try {
        return [file, JSON.parse(readFileSync(join(dir, n), 'utf8'))] as [string, unknown];
      } catch (e) {
        throw new MappingTableError(`${file}: not valid JSON: ${(e as Error).message}`);
      }
    });
}

let responseTables: CompiledTables | undefined;

/** The X217 response tables, compiled once. */
export function responseTablesCompiled(): CompiledTables {
  if (responseTables === undefined) {
    const g = grammarSet().byId('278-x217-response');
    if (g === undefined) throw new MappingTableError('grammar 278-x217-response not found');
    responseTables = compileTables(readResponseTableFiles(), g);
  }
  return responseTables;
}

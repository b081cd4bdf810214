/** The gateway's store: idempotency, control numbers, correlation, item decisions, audit. */
export type * from './types.js';
export { SqliteStore } from './sqlite.js';
export { StoreControlNumbers } from './control-numbers.js';
export { MIGRATIONS, type Migration } from './migrations.js';

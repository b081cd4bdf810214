export * from './x12/index.js';
export * as grammar from './grammar/index.js';
export * as codecs from './mapping/engine/codecs/index.js';
export * as mapping from './mapping/index.js';
export { analyzeTransaction, validateTransaction } from './grammar/validate.js';

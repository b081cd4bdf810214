export { checkHlStructure } from './hl-check.js';
export { compileHlGrammar, hlGrammar278, type HlGrammar, type HlLevel } from './hl-levels.js';

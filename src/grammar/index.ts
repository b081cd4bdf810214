export { buildLoopTree, type LoopTreeResult } from './build.js';
export { compileGrammar, compileStandard, GrammarError, type Standard } from './compile.js';
export { grammarSet, loadGrammarSet, GrammarSet } from './load.js';
export { checkStructure, type StructureResult } from './select.js';
export { checkElementUsage, usageProblems } from './usage.js';
export {
  LoopNode,
  outline,
  UNBOUNDED,
  type Grammar,
  type KeyDef,
  type LoopDef,
  type LoopTree,
  type SegmentNode,
  type SegmentRow,
  type Slot,
  type Usage,
  type ElementRules,
  type ComponentRules,
  type PairRule,
} from './types.js';

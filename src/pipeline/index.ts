/** The batch pipeline: archives of X12 (and PAS bundles) converted on every core, in order, every set accounted for. */
export { convertArchive, type ArchiveOptions } from './archive.js';
export { ConversionEngine, type ConversionSink, type EngineOptions, type StreamCounts } from './engine.js';
export { convertTransaction, type ConvertOptions, type TransactionConverter, type TransactionOutcome } from './convert-transaction.js';
export { expandInputs, type InputFile } from './inputs.js';
export { openInput, sniffKind, type InputKind, type OpenedInput } from './open-input.js';
export { summaryText, type RunSummary } from './summary.js';
export { BatchPacker, type BatchWire } from './wire.js';
export { BatchUnpacker, WireTransaction } from './wire-transaction.js';

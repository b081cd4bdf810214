/** Mapping layer: tables (mappings/request/) compiled to readers and writers; 278 request <-> PAS Request Bundle, both directions, and round trips. */
export { compileTables, readTableFiles, requestTablesCompiled, MappingTableError, ROLES, type CompiledTables, type CompiledRow } from './table.js';
export { requestToBundle, type MappingFinding, type RequestOptions, type RequestResult } from './request.js';
export { parsePath, setPath, type Path, type Step } from './path.js';
export { bundleToRequest, type WriteFinding, type WrittenRequest, type WrittenSegment, type BundleWriteOptions } from './bundle-to-request.js';
export { bundlesToRequestX12, type BundleOutcome, type RequestX12Options, type RequestX12Result } from './request-x12.js';
export { roundTripRequest, residueIn, type RoundTripOptions, type RoundTripResult } from './round-trip.js';
export { RESIDUE_EXTENSION, type RoundTripDifference } from './residue.js';
export { responseToBundle, type ResponseOptions, type ResponseResult } from './response.js';
export { responseTablesCompiled, readResponseTableFiles } from './response-tables.js';

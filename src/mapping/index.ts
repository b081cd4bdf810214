/** Mapping layer: tables (mappings/) compiled to readers and writers; 278 request and X215 inquiry <-> PAS (Inquiry) Request Bundle both ways, round trips; 278 responses -> PAS (Inquiry) Response Bundles. */
export { compileTables, readTableFiles, requestTablesCompiled, inquiryTablesCompiled, MappingTableError, ROLES, type CompiledTables, type CompiledRow } from './engine/table.js';
export { requestToBundle, INQUIRY_GRAMMAR, type MappingFinding, type RequestOptions, type RequestResult } from './request/read.js';
export { isInquiryRequest, splitByDiagnosis } from './request/disassemble.js';
export { parsePath, setPath, type Path, type Step } from './engine/path.js';
export { type WriteFinding, type WrittenRequest, type WrittenSegment, type BundleWriteOptions } from './request/write.js';
export { type BundleOutcome, type RequestX12Options, type RequestX12Result } from './request/x12.js';
export { roundTripRequest, residueIn, type RoundTripOptions, type RoundTripResult } from './round-trip.js';
export { RESIDUE_EXTENSION, type RoundTripDifference } from './engine/residue.js';
export { responseToBundle, type ResponseOptions, type ResponseResult } from './response/read.js';
export { responseTablesCompiled, readResponseTableFiles } from './response/tables.js';
export { type WrittenResponse, type ResponseWriteFinding } from './response/write.js';
export { type ResponseX12Options, type ResponseX12Result } from './response/x12.js';
export { inquiryResponseToBundle, inquiryResponseTablesCompiled, inquireOutput, INQUIRY_RESPONSE_GRAMMAR, type InquireOutput } from './inquiry/response.js';
export { RequestFinder, type RequestMatch } from './request/finder.js';
export { bundlesToRequestX12, RequestInterchange, responseBundleToX12, bundleToRequest, bundleToResponse, bundleProblems, type GuardFinding, type GuardedBundleOutcome, type GuardedRequestX12Result, type GuardedResponseX12Result } from './guard.js';
export { checkBundleShape, type ShapeFinding } from './engine/bundle-shape.js';
export { TEST_DATA_TAG, usageOfBundle } from './engine/usage-tag.js';

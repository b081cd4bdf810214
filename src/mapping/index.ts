/** Mapping layer: tables (mappings/request/) compiled to readers, and the 278 request -> PAS Request Bundle direction. */
export { compileTables, readTableFiles, requestTablesCompiled, MappingTableError, ROLES, type CompiledTables, type CompiledRow } from './table.js';
export { requestToBundle, type MappingFinding, type RequestOptions, type RequestResult } from './request.js';
export { parsePath, setPath, type Path, type Step } from './path.js';

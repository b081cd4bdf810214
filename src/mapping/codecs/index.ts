export { INVALID, isInvalid, type Codec, type Invalid } from './codec.js';
export { codeMap, compileCodeMap, type MappedCode } from './code-map.js';
export { d8, rd8, type DatePeriod } from './date.js';
export { count, decimal } from './decimal.js';
export { personName, type PersonName, type X12PersonName } from './person-name.js';
export { postalCode } from './postal-code.js';
export { dateTimeUtc, text } from './datetime.js';
export { icd10, npi, trnOrg } from './identifiers.js';

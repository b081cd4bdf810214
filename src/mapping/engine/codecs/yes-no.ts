import { INVALID, type Codec } from './codec.js';

/**
 * An X12 yes/no condition or response code (data element 1073: `Y` or `N`) <-> a FHIR boolean.
 * Only the two uppercase letters are read; a FHIR value that is not a boolean is not written.
 */
export const yesNo: Codec<string, boolean> = {
  name: 'yes-no',
  read: (x) => (x === 'Y' ? true : x === 'N' ? false : INVALID),
  write: (f) => (f === true ? 'Y' : f === false ? 'N' : INVALID),
  why: (x) => `${JSON.stringify(x)} is not Y or N`,
};

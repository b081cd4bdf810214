/** GS01 functional identifier expected for each ST01 transaction set id (healthcare sets). */
export const FUNCTIONAL_ID_BY_SET: Readonly<Record<string, string>> = Object.freeze({
  '270': 'HS',
  '271': 'HB',
  '275': 'PI',
  '276': 'HR',
  '277': 'HN',
  '278': 'HI',
  '820': 'RA',
  '824': 'AG',
  '834': 'BE',
  '835': 'HP',
  '837': 'HC',
  '997': 'FA',
  '999': 'FA',
  TA1: '',
});

/** True when the pair fits; unknown sets are not judged. */
export function functionalIdFits(st01: string, gs01: string): boolean {
  const want = FUNCTIONAL_ID_BY_SET[st01];
  if (want === undefined || want === '') return true;
  return want === gs01;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_REJECTED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** The value of a `--pas` option, checked: 2.2.1 or 2.0.1. */
export function pasVersionOption(value: string | undefined): '2.2.1' | '2.0.1' {
  if (value !== '2.2.1' && value !== '2.0.1') throw new UsageError(`--pas must be 2.2.1 or 2.0.1, not ${JSON.stringify(value)}`);
  return value;
}

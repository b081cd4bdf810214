import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/pipeline/progress.js';

describe('progress line', () => {
  it('shows bytes read of the total, transactions/s and the time left at that pace', () => {
    let bytes = 0;
    const p = new Progress(200e6, { bytes: () => bytes, transactions: () => 0 }, false);
    expect(p.text()).toMatch(/^\[\.{24}\]   0% 0\.0\/200\.0 MB  0 tx\/s  ETA 0s$/);
    bytes = 50e6;
    expect(p.text()).toMatch(/^\[#{6}\.{18}\]  25% 50\.0\/200\.0 MB  0 tx\/s  ETA \d+s$/);
    bytes = 200e6;
    expect(p.text()).toContain('100% 200.0/200.0 MB');
    p.stop();
  });
});

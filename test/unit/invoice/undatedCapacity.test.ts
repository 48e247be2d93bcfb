import { describe, expect, it } from 'vitest';

import type { CapacityLine } from '../../../shared/invoice/capacityEstimate.js';
import { undatedProvisioned } from '../../../shared/invoice/undatedCapacity.js';
import { DAY, PTU, RES, use } from '../../helpers/invoiceRows.js';

const ptuUse = (day: string) =>
  use({ day, basis: 'provisioned', meterId: undefined, tokenKind: 'input', estimateNanos: 0n });
const priced: CapacityLine = {
  resourceId: RES,
  resourceName: 'aoai-east',
  deployment: 'ptu',
  day: DAY,
  kind: 'provisioned',
  sku: 'GlobalProvisionedManaged',
  minutes: 1440,
  unitMinutes: 72_000n,
  status: 'priced',
  ...PTU,
  currency: 'USD',
  unitPrice: '1',
  costNanos: 1_200_000_000_000n,
};

describe('provisioned traffic the inventory cannot date', () => {
  it('is unpriced capacity on an estimated day with no PTU line, never nothing', () => {
    const lines = undatedProvisioned(
      [priced],
      [ptuUse(DAY), ptuUse('2025-08-13'), ptuUse('2025-08-12')],
      [DAY, '2025-08-13'],
    );
    // The 14th has its PTU line; the 12th is not estimated (a bill covers it, say); the 13th has neither.
    expect(lines).toEqual([
      expect.objectContaining({
        day: '2025-08-13',
        status: 'unpriced',
        reason: 'provisioned requests on aoai-east, but the inventory dates no PTU deployment of it that day',
      }),
    ]);
  });

  it('leaves metered and fine-tuned traffic alone: those need no PTU', () => {
    const rows = [
      use({ day: '2025-08-13' }),
      use({ day: '2025-08-13', basis: 'ftHosting', meterId: undefined }),
    ];
    expect(undatedProvisioned([], rows, ['2025-08-13'])).toEqual([]);
  });
});

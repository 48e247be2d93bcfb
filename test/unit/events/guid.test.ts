import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isGuid } from '../../../shared/events/guid.js';
const REGEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
it('isGuid agrees with the 8-4-4-4-12 hex pattern on any string (property)', () => {
  const guidish = fc
    .array(fc.constantFrom(...Array.from('0123456789abcdefABCDEFg-_ \u00e9')), {
      minLength: 30,
      maxLength: 40,
    })
    .map((cs) => cs.join(''));
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uuid(),
        fc.string(),
        guidish,
        fc.uuid().map((u) => u.toUpperCase()),
      ),
      (s) => {
        expect(isGuid(s)).toBe(REGEX.test(s));
      },
    ),
    { numRuns: 5000 },
  );
  expect(isGuid('7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d')).toBe(true);
  expect(isGuid('7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6')).toBe(false);
  expect(isGuid('7d8a1c3e_2b4f-4e6a-9c1d-0f2e3a4b5c6d')).toBe(false);
});

import { z } from 'zod';

import type { RetailPriceItem } from './types.js';

// The API sends JSON numbers (Python re-serialisations show them as `7.5e-05`, which JSON.parse reads
// exactly). A numeric string is accepted too, defensively, but nothing else: a price must never become 0.
// A number the book cannot use (negative, too large, too many decimals) is the row's problem, not the
// page's: `checkRetailPrice` refuses or rounds it with a warning, so one bad item cannot stop a refresh.
const price = z
  .union(
    [
      z.number(),
      z
        .string()
        .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)
        .transform(Number),
    ],
    {
      error: 'must be a number',
    },
  )
  .pipe(z.number({ error: 'must be a finite number' }));

const text = z.string().min(1, 'must not be empty');
const date = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

/** One item, reduced to the fields of `RetailPriceItem`; the rest (`tierMinimumUnits`, `savingsPlan`…) is dropped. */
const itemSchema = z.object({
  currencyCode: z.string().optional(),
  retailPrice: price,
  unitPrice: price.optional(),
  // Empty for a few global meters in other services; AOAI meters always carry one.
  armRegionName: z.string(),
  location: z.string().optional(),
  effectiveStartDate: date,
  effectiveEndDate: date.optional(),
  meterId: text,
  meterName: text,
  productId: z.string().optional(),
  skuId: z.string().optional(),
  productName: text,
  skuName: z.string().optional(),
  armSkuName: z.string().optional(),
  serviceName: z.string().optional(),
  unitOfMeasure: text,
  type: z.string().optional(),
  isPrimaryMeterRegion: z.boolean().optional(),
}) satisfies z.ZodType<RetailPriceItem>;

/** The envelope as in reference/api-shapes/retail_empty_response_envelope.json. */
const pageSchema = z.object({
  BillingCurrency: text,
  CustomerEntityId: z.string().optional(),
  CustomerEntityType: z.string().optional(),
  Items: z.array(itemSchema),
  NextPageLink: z.string().min(1).nullish(),
  Count: z.number().int().nonnegative().optional(),
});

export interface RetailPricesPage {
  readonly billingCurrency: string;
  readonly items: RetailPriceItem[];
  readonly nextPageLink: string | null;
}

/**
 * Validates one page. Throws an Error whose message names the first bad fields by path
 * (`Items[3].retailPrice: must be a number`) and says where the page came from.
 */
export function parseRetailPricesPage(body: unknown, where: string): RetailPricesPage {
  const result = pageSchema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
    throw new Error(`unexpected Retail Prices page from ${where}: ${problems.join('; ')}${more}`);
  }
  const page = result.data;
  return {
    billingCurrency: page.BillingCurrency,
    items: page.Items,
    nextPageLink: page.NextPageLink ?? null,
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(page)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

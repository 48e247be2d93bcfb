import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerInvoice } from '../../cli/commands/invoice.js';
import { registerReport } from '../../cli/commands/report.js';
import type { StandInArmAccount } from '../../local/armStandIn.js';
import { sampleFile } from '../../local/localSettings.js';
import type { Services } from '../../shared/app/services.js';
import { divideHalfEven, toAtto } from '../../shared/cost/money.js';
import { readUsage } from '../../shared/invoice/runReconcile.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';
import { RollupUsage } from '../../shared/store/rollupUsage.js';
import { readApiShape } from '../helpers/apiShapes.js';
import { runCommands } from '../helpers/cliInProcess.js';
import { focusCsv, focusRow, METERS, type CatalogMeter, type RowSpec } from '../helpers/focusExport.js';
import { HR, SALES, ingest } from '../helpers/rollupWorld.js';
import { startInventoryWorld, type InventoryWorld } from '../helpers/inventoryWorld.js';

// One account in eastus with a 50-PTU global deployment created 2026-10-05 06:00 and a fine-tuned
// gpt-4.1 deployment (GlobalStandard: hosting at 1.70 an hour) created that midnight; one account in
// westus whose PTU price the book does not have. No bill covers October until the test imports one.
const DATABASE = 'capacity';
const SUB = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a';
const FINE_TUNED = 'gpt-4.1-2025-04-14.ft-5d9c0e1f2a3b';
const model = (name: string, version: string) => ({ format: 'OpenAI', name, version });
const ACCOUNTS: readonly StandInArmAccount[] = [
  {
    subscriptionId: SUB,
    resourceGroup: 'rg-ai',
    name: 'aoai-ptu',
    kind: 'OpenAI',
    location: 'eastus',
    customSubDomainName: 'aoai-ptu',
    deployments: [
      {
        name: 'ptu',
        sku: 'GlobalProvisionedManaged',
        capacity: 50,
        model: model('gpt-4o', '2024-08-06'),
        createdAt: '2026-10-05T06:00:00Z',
      },
      {
        name: 'ft',
        sku: 'GlobalStandard',
        capacity: 1,
        model: model(FINE_TUNED, '1'),
        createdAt: '2026-10-05T00:00:00Z',
      },
    ],
  },
  {
    subscriptionId: SUB,
    resourceGroup: 'rg-ai',
    name: 'aoai-west',
    kind: 'OpenAI',
    location: 'westus',
    deployments: [
      {
        name: 'ptu-west',
        sku: 'GlobalProvisionedManaged',
        capacity: 20,
        model: model('gpt-4o', '2024-08-06'),
        createdAt: '2026-10-01T00:00:00Z',
      },
    ],
  },
];
const CREATED = '2026-10-05';
const USED = '2026-10-06';
const nanos = (dollars: string) => toAtto(dollars) / 10n ** 9n;

/** The eastus catalog's hosting meter, completed as samples/README.md describes the snapshot's items. */
function hostingItem(): RetailPriceItem {
  const { items } = readApiShape('retail_aoai_meter_catalog_eastus_2025-08_derived.json') as {
    items: (Omit<RetailPriceItem, 'armRegionName'> & { meterName: string })[];
  };
  const found = items.find((i) => i.meterName === METERS.ftHosting.meterName);
  if (found === undefined) throw new Error('no hosting meter in the catalog');
  return {
    ...found,
    currencyCode: 'USD',
    unitPrice: found.retailPrice,
    armRegionName: 'eastus',
    location: 'US East',
    serviceName: 'Cognitive Services',
    type: 'Consumption',
  };
}

const call = (appId: string, deployment: string, eventTime: string, modelName: string, usage: object) => ({
  schema: 'aoai-usage/2',
  requestId: randomUUID(),
  eventTime,
  appId,
  deployment,
  region: 'eastus',
  backend: 'https://aoai-ptu.openai.azure.com',
  operation: 'chat.completion',
  model: modelName,
  usage,
});

let world: InventoryWorld;
let services: Services;
let dir: string;

beforeAll(async () => {
  const snapshot = JSON.parse(
    readFileSync(sampleFile('retail-prices-snapshot.json'), 'utf8'),
  ) as RetailPriceItem[];
  world = await startInventoryWorld({
    priceItems: [...snapshot, hostingItem()],
    armAccounts: ACCOUNTS,
    env: { COSMOS_DATABASE: DATABASE, INVENTORY_SUBSCRIPTIONS: SUB },
    tmpPrefix: 'chargeback-capacity-',
  });
  ({ services, dir } = world);
  // On the 6th: Sales uses the PTU deployment at 09:00 (1,000 output tokens), HR at 09:00 and 15:00
  // (3,000 input tokens), and HR calls the fine-tuned deployment (2,000 input tokens, priced per token).
  await ingest(services, [
    call(SALES, 'ptu', `${USED}T09:05:00.000Z`, 'gpt-4o-2024-08-06', {
      prompt_tokens: 0,
      completion_tokens: 1000,
      total_tokens: 1000,
    }),
    call(HR, 'ptu', `${USED}T09:10:00.000Z`, 'gpt-4o-2024-08-06', {
      prompt_tokens: 1000,
      completion_tokens: 0,
      total_tokens: 1000,
    }),
    call(HR, 'ptu', `${USED}T15:30:00.000Z`, 'gpt-4o-2024-08-06', {
      prompt_tokens: 2000,
      completion_tokens: 0,
      total_tokens: 2000,
    }),
    call(HR, 'ft', `${USED}T11:00:00.000Z`, FINE_TUNED, {
      prompt_tokens: 2000,
      completion_tokens: 0,
      total_tokens: 2000,
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await world.close();
});

const cli = (...args: string[]) => runCommands([registerInvoice, registerReport], args);

interface JsonRow {
  readonly key: string;
  readonly costNanos: string;
  readonly cost: string | null;
  readonly pricing: string;
  readonly unpricedRequests: number;
  readonly unpricedCapacityDays?: number;
  readonly billed?: { readonly estimateNanos: string; readonly estimatedDays: readonly string[] };
}
interface JsonReport {
  readonly rows: readonly JsonRow[];
  readonly total: JsonRow;
}

const report = async (basis: string, from: string, to: string, format = 'json') => {
  const { code, out } = await cli('report', '--from', from, '--to', to, '--format', format, '--basis', basis);
  expect(code).toBe(0);
  return out;
};
const jsonReport = async (basis: string, from = CREATED, to = USED) =>
  JSON.parse(await report(basis, from, to)) as JsonReport;
const rowsOf = (r: JsonReport) => new Map(r.rows.map((row) => [row.key, row]));

describe('before a bill exists, the billed basis estimates PTU and fine-tuned hosting hours', () => {
  it('splits the estimate to the apps that used the capacity, the rest to the idle row, all marked estimated', async () => {
    const billed = await jsonReport('billed');
    const rows = rowsOf(billed);
    // The 6th: 50 PTU × 24 h × 1.00 = 1200; used in 2 of 24 hours, so 1100 idle and 100 split
    // 1,000 : 3,000 tokens. Hosting: 24 h × 1.70 = 40.80, all to HR, its only user.
    expect(rows.get(SALES)?.costNanos).toBe(String(nanos('25')));
    // HR: 75 of the PTU, the hosting, and its fine-tuned tokens at gpt-4.1-ft input (2 × 0.002).
    expect(rows.get(HR)?.costNanos).toBe(String(nanos('75') + nanos('40.8') + nanos('0.004')));
    // The 5th: PTU from 06:00 (18 h × 50 = 900) and hosting all day (40.80), nobody using either.
    expect(rows.get('(idle capacity: aoai-ptu)')?.costNanos).toBe(
      String(nanos('900') + nanos('40.8') + nanos('1100')),
    );
    for (const key of [SALES, HR, '(idle capacity: aoai-ptu)'])
      expect(rows.get(key)?.billed?.estimatedDays).toContain(USED);
    expect(billed.total.billed?.estimatedDays).toEqual([CREATED, USED]);
    // Beside it, the estimate basis: per request, where PTU traffic has no cost.
    expect(rows.get(SALES)?.billed?.estimateNanos).toBe('0');
  });

  it('shows the capacity it cannot price as unpriced, with the reason, never as 0', async () => {
    const billed = await jsonReport('billed');
    expect(rowsOf(billed).get('(unpriced capacity: aoai-west)')).toMatchObject({
      cost: null,
      pricing: 'unpriced',
      unpricedRequests: 0,
      unpricedCapacityDays: 2,
    });
    expect(billed.total.pricing).toBe('partial');
    // Deployment-days are not requests: the billed basis counts the same unpriced requests as the estimate.
    expect(billed.total.unpricedRequests).toBe((await jsonReport('estimate')).total.unpricedRequests);
    const focus = parse<Record<string, string>>(await report('billed', CREATED, USED, 'focus'), {
      columns: true,
    });
    const west = focus.filter((r) => (r.ResourceId ?? '').endsWith('/aoai-west'));
    expect(west.map((r) => [r.x_Pricing, r.EffectiveCost, r.x_CostBasis])).toEqual([
      ['unpriced', '', 'estimate'],
      ['unpriced', '', 'estimate'],
    ]);
    expect(west[0]?.x_UnpricedReason).toBe(
      'ptu-west: no hourly price for provisioned (PTU) global in westus',
    );
    // The FOCUS rows add up to the report, to the nano-unit.
    const sum = focus.reduce((total, r) => total + toAtto(r.EffectiveCost || '0'), 0n) / 10n ** 9n;
    expect(sum).toBe(BigInt(billed.total.costNanos));
  });

  it('leaves the estimate basis as the per-request ledger: no capacity there', async () => {
    const estimate = await jsonReport('estimate');
    expect(estimate.total.costNanos).toBe(String(nanos('0.004')));
    expect(estimate.rows.map((r) => r.key).sort()).toEqual([HR, SALES].sort());
  });
});

describe('once a bill covers the day', () => {
  let exported: Record<string, string>[];

  beforeAll(async () => {
    // The bill of the 6th: every metered line the gateway recorded (10% off), the PTU at 20% off
    // (a negotiated rate), and the hosting hours at list price.
    const usage = await readUsage(new RollupUsage(services.database), USED, '2026-10-07');
    const specs: RowSpec[] = [];
    const resource = usage[0]?.resourceId ?? '';
    for (const row of usage) {
      if (row.basis !== 'meter' || row.meterId === undefined) continue;
      const meter: CatalogMeter = {
        meterId: row.meterId,
        meterName: 'gpt-4.1-ft input global Tokens',
        unitOfMeasure: '1K',
        retailPrice: '0.002',
      };
      specs.push({ meter, resource, day: USED, quantity: String(row.units), discountPercent: 10 });
    }
    specs.push({ meter: METERS.ptuGlobal, resource, day: USED, quantity: '1200', discountPercent: 20 });
    specs.push({ meter: METERS.ftHosting, resource, day: USED, quantity: '24' });
    exported = specs.map((s) => focusRow(s));
    const file = path.join(dir, 'october.csv');
    writeFileSync(file, focusCsv(exported));
    const imported = await cli('invoice', 'import', file);
    expect(imported.code).toBe(0);
  });

  it('replaces the estimate with the billed amounts: the day adds up to the bill exactly', async () => {
    const billed = await jsonReport('billed', USED, USED);
    const bill = exported.reduce((sum, r) => sum + toAtto(r.EffectiveCost ?? '0'), 0n);
    expect(BigInt(billed.total.costNanos)).toBe(divideHalfEven(bill, 10n ** 9n));
    expect(billed.total.billed?.estimatedDays).toEqual([]);
    const rows = rowsOf(billed);
    // The PTU billed at 960: 22/24 idle (880), 80 split 1:3; the hosting billed 40.80, all HR's.
    expect(rows.get('(idle capacity: aoai-ptu)')?.costNanos).toBe(String(nanos('880')));
    expect(rows.get(SALES)?.costNanos).toBe(String(nanos('20')));
    expect(rows.has('(unpriced capacity: aoai-west)')).toBe(false);
  });

  it('keeps estimating the days the bill does not cover', async () => {
    const billed = await jsonReport('billed');
    expect(billed.total.billed?.estimatedDays).toEqual([CREATED]);
    expect(rowsOf(billed).get('(idle capacity: aoai-ptu)')?.costNanos).toBe(
      String(nanos('900') + nanos('40.8') + nanos('880')),
    );
    expect(rowsOf(billed).get('(unpriced capacity: aoai-west)')?.unpricedCapacityDays).toBe(1);
  });
});

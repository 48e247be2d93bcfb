import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

import { billedShares } from '../shared/invoice/billedShares.js';
import { importRun, type InvoiceStorePort } from '../shared/invoice/importRun.js';
import type { InvoiceLine } from '../shared/invoice/invoiceLine.js';
import { localFile } from '../shared/invoice/localExports.js';
import { usageRowsOfSlices } from '../shared/invoice/usageOfSlices.js';
import { rollUp, type RecordAmounts } from '../shared/report/rollupMath.js';
import type { MeterPrice } from '../shared/report/sliceMeters.js';
import { mulberry32 } from '../shared/producer/seededRandom.js';

export interface BillingResult {
  /** FOCUS rows imported per second (stream, parse, keep, sum per key; no store) against csv-parse alone. */
  readonly import: {
    readonly rows: number;
    readonly bytes: number;
    readonly importSeconds: number;
    readonly parseSeconds: number;
    readonly lines: number;
  };
  /** 1M records: rolled up per (app, day), turned into usage rows, and the month's bill allocated. */
  readonly allocation: {
    readonly records: number;
    readonly slices: number;
    readonly usageRows: number;
    readonly billedKeys: number;
    readonly shares: number;
    readonly rollupSeconds: number;
    readonly allocateSeconds: number;
  };
}

const RESOURCES = 20;
const DAYS = 30;
const APPS = 200;

/** The sample export's rows (real columns and meters) repeated over resources and days, quantities varied. */
function writeFocusFile(path: string, rows: number, sample: string, seed: number): number {
  const template = parseSync<Record<string, string>>(readFileSync(sample, 'utf8'), { columns: true });
  const random = mulberry32(seed);
  const out: Record<string, string>[] = [];
  for (let i = 0; i < rows; i++) {
    const base = template[i % template.length] ?? {};
    const day = `2026-11-${String((Math.floor(i / template.length) % DAYS) + 1).padStart(2, '0')}`;
    const resource = (base.ResourceId ?? '').replace(/aoai-eastus$/, `aoai-${i % RESOURCES}`);
    const scale = 1 + Math.floor(random() * 1000);
    const times = (v: string | undefined) => (v === undefined || v === '' ? '' : String(Number(v) * scale));
    out.push({
      ...base,
      ChargePeriodStart: `${day}T00:00:00Z`,
      ChargePeriodEnd: `${day}T23:59:59Z`,
      ResourceId: resource,
      ResourceName: resource.split('/').pop() ?? '',
      ConsumedQuantity: times(base.ConsumedQuantity),
      PricingQuantity: String(Number(times(base.ConsumedQuantity)) / Number(base.x_PricingBlockSize ?? '1')),
    });
  }
  const text = stringify(out, { header: true, columns: Object.keys(template[0] ?? {}) });
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

async function parseOnly(path: string): Promise<number> {
  let rows = 0;
  const parser = createReadStream(path).pipe(parse({ columns: true, bom: true, skip_empty_lines: true }));
  for await (const row of parser as AsyncIterable<unknown>) if (row !== undefined) rows++;
  return rows;
}

const memoryStore = (): InvoiceStorePort & { lines: number } => ({
  lines: 0,
  lastRun: () => Promise.resolve(undefined),
  replacePeriod(_run, lines) {
    this.lines += lines.length;
    return Promise.resolve({ deleted: 0 });
  },
});

/** Records of one month over RESOURCES accounts, two meters each, APPS apps; some on provisioned deployments. */
function records(
  count: number,
  seed: number,
): { byGroup: Map<string, RecordAmounts[]>; prices: MeterPrice[] } {
  const random = mulberry32(seed);
  const prices: MeterPrice[] = [
    { meterId: 'babc1534-2115-5f32-98cb-29d58a11eb80', kind: 'input', unitPrice: '0.0025', unitSize: 1000 },
    { meterId: 'cd976e6c-41ab-5881-a90f-eff2e0c1d9b0', kind: 'output', unitPrice: '0.01', unitSize: 1000 },
  ];
  const byGroup = new Map<string, RecordAmounts[]>();
  for (let i = 0; i < count; i++) {
    const app = `app-${Math.floor(random() * APPS)}`;
    const day = `2026-11-${String(Math.floor(random() * DAYS) + 1).padStart(2, '0')}`;
    const provisioned = random() < 0.1;
    const prompt = 100 + Math.floor(random() * 4000);
    const completion = Math.floor(random() * 800);
    const group = `${app}|${day}`;
    const list = byGroup.get(group) ?? [];
    list.push({
      day,
      appId: app,
      appDisplayName: null,
      businessUnit: null,
      model: 'gpt-4o-2024-08-06',
      deploymentType: 'global',
      promptTokens: prompt,
      cachedTokens: 0,
      completionTokens: completion,
      reasoningTokens: 0,
      totalTokens: prompt + completion,
      costNanos: provisioned ? null : prompt * 2500 + completion * 10_000,
      costStatus: provisioned ? 'provisioned' : 'priced',
      priceSetId: provisioned ? null : 'set',
      resourceId: `/subscriptions/s/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/aoai-${Math.floor(random() * RESOURCES)}`,
      eventTime: `${day}T${String(Math.floor(random() * 24)).padStart(2, '0')}:00:00Z`,
    });
    byGroup.set(group, list);
  }
  return { byGroup, prices };
}

/** The month's bill for those accounts: both token meters and a PTU day per account and day. */
function bill(): InvoiceLine[] {
  const lines: InvoiceLine[] = [];
  const meters = [
    ['babc1534-2115-5f32-98cb-29d58a11eb80', 'gpt-4o-0806-Inp-glbl Tokens', 'tokens'],
    ['cd976e6c-41ab-5881-a90f-eff2e0c1d9b0', 'gpt-4o-0806-Outp-glbl Tokens', 'tokens'],
    ['433e638d-598a-5b5f-acbc-27dbbda88216', 'Provisioned Managed Global Unit', 'provisioned'],
  ] as const;
  for (let r = 0; r < RESOURCES; r++)
    for (let d = 1; d <= DAYS; d++)
      for (const [meterId, meterName, meterKind] of meters)
        lines.push({
          billingPeriod: '2026-11',
          resourceId: `/subscriptions/s/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/aoai-${r}`,
          resourceName: `aoai-${r}`,
          meterId,
          meterName,
          meterKind,
          day: `2026-11-${String(d).padStart(2, '0')}`,
          currency: 'USD',
          quantity: meterKind === 'provisioned' ? '1200' : '100000000',
          effectiveCostNanos: 123_456_789_012n,
          billedCostNanos: 123_456_789_012n,
          listCostNanos: null,
          correctionRows: 0,
          rows: 1,
          reservation: false,
        });
  return lines;
}

export async function benchBilling(
  dir: string,
  sample: string,
  options: { readonly focusRows: number; readonly records: number; readonly seed: number },
): Promise<BillingResult> {
  const path = join(dir, 'focus-bench.csv');
  const bytes = writeFocusFile(path, options.focusRows, sample, options.seed);
  // Parse alone first and after, so neither side gets the cold file cache.
  await parseOnly(path);
  let start = performance.now();
  const parsed = await parseOnly(path);
  const parseSeconds = (performance.now() - start) / 1000;
  const store = memoryStore();
  start = performance.now();
  const summary = await importRun(
    { label: path, runId: null, submittedTime: null, periods: [], files: [localFile(path)] },
    store,
  );
  const importSeconds = (performance.now() - start) / 1000;
  if (summary.rows !== parsed) throw new Error(`import read ${summary.rows} rows, csv-parse ${parsed}`);

  const { byGroup, prices } = records(options.records, options.seed);
  start = performance.now();
  const slices = [...byGroup.values()].flatMap((group) => rollUp(group, () => prices));
  const rollupSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  const usage = usageRowsOfSlices(slices);
  const keys = billedShares(bill(), usage, { unattributed: 'explicit', idle: 'explicit', ptuWeights: {} });
  const allocateSeconds = (performance.now() - start) / 1000;
  return {
    import: { rows: summary.rows, bytes, importSeconds, parseSeconds, lines: store.lines },
    allocation: {
      records: options.records,
      slices: slices.length,
      usageRows: usage.length,
      billedKeys: keys.length,
      shares: keys.reduce((n, k) => n + k.shares.length, 0),
      rollupSeconds,
      allocateSeconds,
    },
  };
}

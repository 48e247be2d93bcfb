import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { reportQueryFromOptions, registerReport } from '../../cli/commands/report.js';
import { chargebackReport } from '../../functions/chargebackReport.js';
import { nanosToDecimal } from '../../shared/cost/money.js';
import { UserError } from '../../shared/errors.js';
import { ingestBatch } from '../../shared/pipeline/ingestBatch.js';
import { FOCUS_COLUMNS } from '../../shared/report/focus.js';
import {
  allRecords,
  sampleBatch,
  startChargebackStack,
  sumNanos,
  type ChargebackStack,
} from '../helpers/chargebackStack.js';

const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const PERIOD = { from: '2026-11-01', to: '2026-11-30' } as const;

async function get(query: Record<string, string>): Promise<HttpResponse> {
  const request = new HttpRequest({ url: 'http://127.0.0.1/api/chargeback', method: 'GET', query });
  const init = await chargebackReport(request, new InvocationContext({ invocationId: randomUUID() }));
  return new HttpResponse(init);
}

/** `12.5` → 12500000000n: FOCUS decimals back to the integer nano-units they came from. */
function toNanos(decimal: string): bigint {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
}

const BY = 'must be app, businessUnit or model, or two of them separated by a comma (app,model)';
const BAD: [string, Record<string, string>, string][] = [
  ['from after to', { from: '2026-11-30', to: '2026-11-01' }, 'to: must not be before from (2026-11-30)'],
  ['a month 13', { from: '2026-13-01', to: '2026-12-01' }, 'from: must be a date as YYYY-MM-DD'],
  ['February 30', { from: '2026-02-01', to: '2026-02-30' }, 'to: must be a date as YYYY-MM-DD'],
  ['a missing from', { to: '2026-12-01' }, 'from: must be a date as YYYY-MM-DD'],
  ['a word', { from: 'yesterday', to: '2026-12-01' }, 'from: must be a date as YYYY-MM-DD'],
  [
    '367 days',
    { from: '2024-01-01', to: '2025-01-01' },
    'to: the period may span at most 366 days (from and to inclusive); split longer ones',
  ],
  ['a bad by', { ...PERIOD, by: 'team' }, `by: ${BY}`],
  ['a grouping twice', { ...PERIOD, by: 'model,model' }, `by: ${BY}`],
  ['three groupings', { ...PERIOD, by: 'app,model,businessUnit' }, `by: ${BY}`],
  ['a bad compare', { ...PERIOD, compare: 'last-year' }, 'compare: must be previous'],
  [
    'compare on FOCUS',
    { ...PERIOD, format: 'focus', compare: 'previous' },
    'compare: FOCUS rows are single days; compare with table, csv or json',
  ],
  ['a bad format', { ...PERIOD, format: 'xlsx' }, 'format: must be table, csv, json or focus'],
];

describe('bad report parameters', () => {
  it.each(BAD)('CLI: %s is a UserError naming the parameter', (_case, options, message) => {
    expect(() => reportQueryFromOptions(options)).toThrow(new UserError(message));
  });

  it.each(BAD)('HTTP: %s is a 400 with a JSON error', async (_case, query, message) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: message });
  });

  it('the registered command fails before connecting to anything', async () => {
    const program = new Command('chargeback').exitOverride();
    registerReport(program);
    await expect(
      program.parseAsync(['report', '--from', '2026-11-31', '--to', '2026-12-01'], { from: 'user' }),
    ).rejects.toThrow(new UserError('from: must be a date as YYYY-MM-DD'));
  });

  it('a leap year (366 days) is allowed, and two groupings', () => {
    expect(reportQueryFromOptions({ from: '2024-01-01', to: '2024-12-31' })).toMatchObject({
      by: ['app'],
      format: 'table',
    });
    expect(
      reportQueryFromOptions({ ...PERIOD, by: 'businessUnit, model', compare: 'previous' }),
    ).toMatchObject({
      by: ['businessUnit', 'model'],
      compare: 'previous',
    });
  });
});

describe('the report over HTTP and the CLI, on the local stack', () => {
  let world: ChargebackStack;
  let recordNanos: bigint;

  beforeAll(async () => {
    world = await startChargebackStack();
    const { bodies, sources } = await sampleBatch();
    await ingestBatch(bodies, sources, world.services.ingest, undefined);
    // Finance moves HR's app to "People": every front must show the override.
    await world.services.apps.setBusinessUnit(HR, 'People', new Date());
    const records = (await allRecords(world.db)).filter((r) => r.day >= PERIOD.from && r.day <= PERIOD.to);
    recordNanos = sumNanos(records);
    expect(recordNanos).toBeGreaterThan(0n);
  }, 180_000);

  afterAll(async () => {
    await world.close();
  });

  it('json: totals equal the record sums', async () => {
    const response = await get({ ...PERIOD, by: 'businessUnit', format: 'json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as {
      total: { costNanos: string; cost: number; costExact: string };
      rows: { key: string; costNanos: string | null }[];
    };
    expect(body.total.costNanos).toBe(recordNanos.toString());
    // `cost` is a JSON number for programs; its printed form is the exact nine-decimal value.
    expect(body.total.costExact).toBe(nanosToDecimal(recordNanos));
    expect(body.total.cost).toBe(Number(nanosToDecimal(recordNanos)));
    expect(body.rows.reduce((sum, r) => sum + BigInt(r.costNanos ?? 0), 0n)).toBe(recordNanos);
    expect(body.rows.map((r) => r.key)).toContain('People');
  });

  it('csv: a download named after the period, data rows only, summing to the records', async () => {
    const response = await get({ ...PERIOD, format: 'csv' });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="chargeback-by-app-2026-11-01-to-2026-11-30.csv"',
    );
    const rows = parse<Record<string, string>>(await response.text(), { columns: true });
    expect(rows.map((r) => r.appId)).not.toContain('total');
    expect(rows.reduce((sum, r) => sum + toNanos(r.cost || '0'), 0n)).toBe(recordNanos);
  });

  it('by app,model with compare previous: one row per pair, changes exact against the records', async () => {
    const response = await get({ ...PERIOD, by: 'app,model', format: 'json', compare: 'previous' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      by: string[];
      compared: { from: string; to: string };
      rows: { keys: string[]; costNanos: string | null; previous: { change: string | null } }[];
      total: { costNanos: string; previous: { previousCostNanos: string | null; changeNanos: string } };
    };
    expect(body.by).toEqual(['app', 'model']);
    expect(body.compared).toEqual({ from: '2026-10-02', to: '2026-10-31' });
    const records = await allRecords(world.db);
    const inPeriod = records.filter((r) => r.day >= PERIOD.from && r.day <= PERIOD.to);
    const pairs = new Set(inPeriod.map((r) => JSON.stringify([r.appId, r.model])));
    for (const pair of pairs) expect(body.rows.map((r) => JSON.stringify(r.keys))).toContain(pair);
    for (const row of body.rows) {
      const [appId, model] = row.keys;
      const mine = inPeriod.filter((r) => r.appId === appId && r.model === model);
      if (mine.length > 0 && mine.every((r) => r.costNanos === null)) expect(row.costNanos).toBeNull();
      else expect(BigInt(row.costNanos ?? 'x')).toBe(sumNanos(mine));
    }
    const previous = sumNanos(records.filter((r) => r.day >= '2026-10-02' && r.day <= '2026-10-31'));
    expect(BigInt(body.total.previous.previousCostNanos ?? '0')).toBe(previous);
    expect(BigInt(body.total.previous.changeNanos)).toBe(recordNanos - previous);
  });

  it('focus: FOCUS columns, BilledCost sums to the records, overridden unit in Tags', async () => {
    const response = await get({ ...PERIOD, format: 'focus' });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain(
      'chargeback-focus-2026-11-01-to-2026-11-30.csv',
    );
    const text = await response.text();
    expect(text.split('\n')[0]).toBe(FOCUS_COLUMNS.join(','));
    const rows = parse<Record<string, string>>(text, { columns: true });
    expect(rows.reduce((sum, r) => sum + toNanos(r.BilledCost ?? ''), 0n)).toBe(recordNanos);
    const hr = rows.filter((r) => (JSON.parse(r.Tags ?? '{}') as { appId?: string }).appId === HR);
    expect(hr.length).toBeGreaterThan(0);
    for (const r of hr)
      expect(JSON.parse(r.Tags ?? '{}')).toMatchObject({ businessUnit: 'People', appName: 'HR Assistant' });

    // SkuId names the meters that priced each row: together, exactly the meters of the records' price sets.
    const { resources } = await world.db
      .container('usage')
      .items.query<{ priceSetId: string | null }>({
        query: 'SELECT c.priceSetId FROM c WHERE c.day >= @from AND c.day <= @to',
        parameters: [
          { name: '@from', value: PERIOD.from },
          { name: '@to', value: PERIOD.to },
        ],
      })
      .fetchAll();
    const setIds = [...new Set(resources.flatMap((r) => (r.priceSetId === null ? [] : [r.priceSetId])))];
    const sets = await Promise.all(
      setIds.map(async (id) => {
        const { resource } = await world.db
          .container('prices')
          .item(id, 'priceSet')
          .read<{ prices: { meterId: string }[] }>();
        if (resource === undefined) throw new Error(`price set ${id} is named by a record but not stored`);
        return resource;
      }),
    );
    // A row with nothing priced has no cost, and carries the records' reasons.
    const { resources: unpriced } = await world.db
      .container('usage')
      .items.query<{ appId: string; day: string; model: string; unpricedReason: string }>({
        query:
          'SELECT c.appId, c.day, c.model, c.unpricedReason FROM c WHERE c.day >= @from AND c.day <= @to AND c.costStatus = @u',
        parameters: [
          { name: '@from', value: PERIOD.from },
          { name: '@to', value: PERIOD.to },
          { name: '@u', value: 'unpriced' },
        ],
      })
      .fetchAll();
    expect(unpriced.length).toBeGreaterThan(0);
    for (const r of unpriced) {
      const row = rows.find((f) => {
        const tags = JSON.parse(f.Tags ?? '{}') as { appId?: string; model?: string };
        return tags.appId === r.appId && tags.model === r.model && f.ChargePeriodStart?.startsWith(r.day);
      });
      expect(row?.x_UnpricedReason?.split('; ')).toContain(r.unpricedReason);
      if (row?.x_Pricing === 'unpriced') expect(row.BilledCost).toBe('');
    }
    const recordMeters = new Set(sets.flatMap((set) => set.prices.map((p) => p.meterId)));
    const focusMeters = new Set(rows.flatMap((r) => (r.SkuId ?? '').split(' ').filter((id) => id !== '')));
    expect(recordMeters.size).toBeGreaterThan(0);
    expect([...focusMeters].sort()).toEqual([...recordMeters].sort());
    for (const r of rows) if (toNanos(r.BilledCost ?? '') > 0n) expect(r.SkuId).not.toBe('');
  });

  it('table: plain text', async () => {
    const response = await get({ ...PERIOD, by: 'model' });
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toContain('Cost by model, 2026-11-01 to 2026-11-30');
  });

  it('the CLI prints exactly what the HTTP function returns (one implementation)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chargeback-ca-'));
    writeFileSync(join(dir, 'ca.pem'), world.stack.trustedCa);
    process.env.CHARGEBACK_TRUSTED_CA_FILE = join(dir, 'ca.pem');
    for (const [format, by] of [
      ['focus', 'app'],
      ['csv', 'app'],
      ['json', 'app'],
      ['table', 'app,model'],
    ] as const) {
      let printed = '';
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed += String(chunk);
        return true;
      });
      try {
        const program = new Command('chargeback').exitOverride();
        registerReport(program);
        const args = ['report', '--from', PERIOD.from, '--to', PERIOD.to, '--format', format, '--by', by];
        if (format !== 'focus') args.push('--compare', 'previous');
        await program.parseAsync(args, { from: 'user' });
      } finally {
        spy.mockRestore();
      }
      const compare: Record<string, string> = format === 'focus' ? {} : { compare: 'previous' };
      expect(printed, format).toBe(await (await get({ ...PERIOD, format, by, ...compare })).text());
    }
  });
});

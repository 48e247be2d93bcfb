import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerInvoice } from '../../cli/commands/invoice.js';
import { registerReconcile } from '../../cli/commands/reconcile.js';
import { registerReport } from '../../cli/commands/report.js';
import { startChargebackFront, type ChargebackFront } from '../../local/chargebackFront.js';
import { DEMO_DEPLOYMENTS } from '../../local/demoDirectory.js';
import { DEMO_ARM_ACCOUNTS, DEMO_SUBSCRIPTION } from '../../local/demoInventory.js';
import { sampleFile } from '../../local/localSettings.js';
import type { Services } from '../../shared/app/services.js';
import { divideHalfEven, toAtto } from '../../shared/cost/money.js';
import { CosmosAllocations } from '../../shared/invoice/cosmosAllocations.js';
import { ingestStream } from '../../shared/pipeline/ingestStream.js';
import { readEvents } from '../../shared/pipeline/readEvents.js';
import type { RetailPriceItem } from '../../shared/pricing/types.js';
import { runCommands } from '../helpers/cliInProcess.js';
import { startInventoryWorld, type InventoryWorld } from '../helpers/inventoryWorld.js';

// The demo's world: its events on the ARM stand-in's account, and samples/focus-export (the demo's
// FOCUS export: 15% discount, a PTU day, 40,000 unattributed input tokens on 2026-11-19).
const DATABASE = 'billed';
const EXPORT = sampleFile('focus-export');
const HR = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';
const SALES = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

let world: InventoryWorld;
let services: Services;
let dir: string;

interface FocusLine {
  readonly ChargePeriodStart: string;
  readonly EffectiveCost: string;
  readonly BilledCost: string;
  readonly x_SkuMeterId: string;
  readonly x_SkuMeterName: string;
  readonly ResourceId: string;
}

const exportRows = (folder: string): FocusLine[] =>
  parse<FocusLine>(readFileSync(path.join(folder, 'part_0_0001.csv'), 'utf8'), { columns: true });

/** The export's EffectiveCost as the import keeps it: summed per key exactly, rounded once to nano-units. */
function effectiveNanos(
  rows: readonly FocusLine[],
  column: 'EffectiveCost' | 'BilledCost' = 'EffectiveCost',
) {
  const keys = new Map<string, bigint>();
  for (const r of rows) {
    const key = `${r.ResourceId.toLowerCase()}|${r.x_SkuMeterId}|${r.ChargePeriodStart.slice(0, 10)}`;
    keys.set(key, (keys.get(key) ?? 0n) + toAtto(r[column]));
  }
  return [...keys.values()].reduce((sum, atto) => sum + divideHalfEven(atto, 10n ** 9n), 0n);
}

beforeAll(async () => {
  const snapshot = JSON.parse(
    readFileSync(sampleFile('retail-prices-snapshot.json'), 'utf8'),
  ) as RetailPriceItem[];
  world = await startInventoryWorld({
    priceItems: snapshot,
    armAccounts: DEMO_ARM_ACCOUNTS,
    env: {
      COSMOS_DATABASE: DATABASE,
      DEPLOYMENTS: JSON.stringify(DEMO_DEPLOYMENTS),
      INVENTORY_SUBSCRIPTIONS: DEMO_SUBSCRIPTION,
    },
    tmpPrefix: 'chargeback-billed-',
  });
  ({ services, dir } = world);
  for (const file of ['events.jsonl', 'deployment-events.jsonl'])
    await ingestStream(readEvents(sampleFile(file)), services.ingest, services.spill);
  // A day no bill covers yet: stays an estimate on the billed basis.
  const december = path.join(dir, 'december.jsonl');
  const first = readFileSync(sampleFile('events.jsonl'), 'utf8').split('\n')[0] ?? '';
  const event = JSON.parse(first) as Record<string, unknown>;
  writeFileSync(
    december,
    `${JSON.stringify({ ...event, requestId: '0b7e3c1a-5d2f-4e8a-9c6b-1f2e3d4c5b6a', eventTime: '2026-11-25T09:00:00.000Z' })}\n`,
  );
  await ingestStream(readEvents(december), services.ingest, services.spill);
}, 120_000);

afterAll(async () => {
  await world.close();
});

const cli = (...args: string[]) => runCommands([registerInvoice, registerReconcile, registerReport], args);

interface JsonRow {
  readonly key: string;
  readonly costNanos: string | null;
  readonly billed?: { readonly estimateNanos: string; readonly estimatedDays: readonly string[] };
}
interface JsonReport {
  readonly rows: readonly JsonRow[];
  readonly total: JsonRow;
}

// To 2026-11-22: the last day the sample bill covers (2026-11-25 stays estimated).
const report = async (basis: string, from = '2026-11-01', to = '2026-11-22') => {
  const { code, out } = await cli('report', '--from', from, '--to', to, '--format', 'json', '--basis', basis);
  expect(code).toBe(0);
  return JSON.parse(out) as JsonReport;
};

describe('the billed basis', () => {
  it('imports the bill, allocates it, and reconciles it against the rollups', async () => {
    const imported = await cli('invoice', 'import', EXPORT);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/allocation: .*2026-11 \d+ billed key/);

    const { code, out } = await cli(
      'reconcile',
      '--from',
      '2026-11-16',
      '--to',
      '2026-11-22',
      '--format',
      'json',
    );
    expect(code).toBe(1);
    const keys = (JSON.parse(out) as { keys: { day: string; meterName: string; classification: string }[] })
      .keys;
    const byName = (day: string, meter: string) =>
      keys.find((k) => k.day === day && k.meterName === meter)?.classification;
    expect(byName('2026-11-19', 'gpt-4o-0806-Inp-glbl Tokens')).toBe('unattributed usage');
    expect(byName('2026-11-19', 'Provisioned Managed Global Unit')).toBe('matched');
    expect(byName('2026-11-16', 'gpt-4o-0806-Outp-glbl Tokens')).toBe('price variance');
    expect(
      keys.filter((k) => k.classification === 'no records' || k.classification === 'not billed yet'),
    ).toEqual([]);
  });

  it('gives per-app amounts that add up to the export’s EffectiveCost exactly, with the unallocated and idle rows', async () => {
    const billed = await report('billed');
    const total = billed.rows.reduce((sum, r) => sum + BigInt(r.costNanos ?? 0), 0n);
    expect(total).toBe(effectiveNanos(exportRows(EXPORT)));
    expect(BigInt(billed.total.costNanos ?? 0)).toBe(total);
    const labels = billed.rows.map((r) => r.key);
    expect(labels).toContain('(unallocated: aoai-eastus)');
    expect(labels).toContain('(idle capacity: aoai-eastus)');
    // Each app's row is the sum of its stored allocation shares.
    const stored = await CosmosAllocations.forReading(services.database).read('2026-11-01', '2026-11-30');
    const hr = stored.keys.flatMap((k) => k.shares).filter((s) => s.appId === HR);
    expect(billed.rows.find((r) => r.key === HR)?.costNanos).toBe(
      String(hr.reduce((sum, s) => sum + s.effectiveNanos, 0n)),
    );
    expect(billed.total.billed?.estimatedDays).toEqual([]);
  });

  it('switches between the estimate and the bill, and says which days are still estimated', async () => {
    const estimate = await report('estimate', '2026-11-16', '2026-11-28');
    const billed = await report('billed', '2026-11-16', '2026-11-28');
    expect(estimate.rows.every((r) => r.billed === undefined)).toBe(true);
    expect(billed.total.costNanos).not.toBe(estimate.total.costNanos);
    // The estimate beside the billed figure is the estimate basis's cost.
    expect(billed.total.billed?.estimateNanos).toBe(estimate.total.costNanos);
    expect(billed.rows.find((r) => r.key === HR)?.billed?.estimatedDays).toEqual(['2026-11-25']);
    // The PTU deployment (created on the bill's PTU day) costs every day after the bill: estimated,
    // from the inventory, 50 PTU × 24 h × 1.00 a day; its user on the 24th gets a share, the rest is idle.
    const after = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'];
    expect(billed.total.billed?.estimatedDays).toEqual(after);
    const idle = billed.rows.find((r) => r.key === '(idle capacity: aoai-eastus)');
    expect(idle?.billed?.estimatedDays).toEqual(after);
    const sales = billed.rows.find((r) => r.key === SALES);
    expect(sales?.billed?.estimatedDays).toEqual(['2026-11-24']);
    // Beyond the bill: the requests' estimate of those days, and six days of 1200 (one hour of the 24th
    // is Sales's: 50; the rest idle).
    const later = await report('estimate', '2026-11-23', '2026-11-28');
    const beyond = BigInt(billed.total.costNanos ?? 0) - effectiveNanos(exportRows(EXPORT));
    expect(beyond - BigInt(later.total.costNanos ?? 0)).toBe(7_200_000_000_000n);
    const salesPtu = await report('billed', '2026-11-24', '2026-11-24');
    expect(salesPtu.rows.find((r) => r.key === SALES)?.costNanos).toBe('50000000000');
  });

  it('replaces the allocation when a newer export of the same month is imported, never adds', async () => {
    const newer = path.join(dir, 'newer');
    cpSync(EXPORT, newer, { recursive: true });
    const csv = readFileSync(path.join(newer, 'part_0_0001.csv'), 'utf8');
    // The PTU day billed at half the hours: same key, a new figure.
    writeFileSync(path.join(newer, 'part_0_0001.csv'), csv.replace(/,1200,/g, ',600,'));
    const manifest = JSON.parse(readFileSync(path.join(newer, 'manifest.json'), 'utf8')) as {
      runInfo: { submittedTime: string; runId: string };
    };
    manifest.runInfo.submittedTime = '2026-11-24T06:10:00.0000000Z';
    manifest.runInfo.runId = '9a7c1e3b-2d4f-4b6a-8c0e-1f3a5b7d9e20';
    writeFileSync(path.join(newer, 'manifest.json'), JSON.stringify(manifest));
    expect((await cli('invoice', 'import', newer)).code).toBe(0);
    const billed = await report('billed');
    const total = billed.rows.reduce((sum, r) => sum + BigInt(r.costNanos ?? 0), 0n);
    expect(total).toBe(effectiveNanos(exportRows(newer)));
    expect(total).toBeLessThan(effectiveNanos(exportRows(EXPORT)));
    // On demand, the same figures again.
    expect((await cli('invoice', 'allocate', '--from', '2026-11')).code).toBe(0);
    expect((await report('billed')).total.costNanos).toBe(billed.total.costNanos);
  });

  it('lists the imported months: the export run that replaced each last, its totals and its allocation', async () => {
    const { code, out } = await cli('invoice', 'list', '--format', 'json');
    expect(code).toBe(0);
    const { months } = JSON.parse(out) as {
      months: {
        month: string;
        exportRunId: string;
        effectiveCost: string;
        billedCost: string;
        allocatedAt: string | null;
        billedDays: number;
      }[];
    };
    const november = months.find((m) => m.month === '2026-11');
    const newer = exportRows(path.join(dir, 'newer'));
    expect(november).toMatchObject({ exportRunId: '9a7c1e3b-2d4f-4b6a-8c0e-1f3a5b7d9e20' });
    expect(toAtto(november?.effectiveCost ?? '0') / 10n ** 9n).toBe(effectiveNanos(newer));
    expect(toAtto(november?.billedCost ?? '0') / 10n ** 9n).toBe(effectiveNanos(newer, 'BilledCost'));
    expect(november?.allocatedAt).not.toBeNull();
    expect(november?.billedDays).toBe(new Set(newer.map((r) => r.ChargePeriodStart.slice(0, 10))).size);
    const table = await cli('invoice', 'list');
    expect(table.out).toContain('9a7c1e3b-2d4f-4b6a-8c0e-1f3a5b7d9e20');
  });

  it('splits a billed day again when a late event changes its usage, and only then', async () => {
    const allocations = CosmosAllocations.forReading(services.database);
    const shareOf = async (label: string) =>
      (await allocations.read('2026-11-19', '2026-11-19')).keys
        .flatMap((k) => k.shares)
        .filter((s) => s.label === label)
        .reduce((sum, s) => sum + s.effectiveNanos, 0n);
    const before = await report('billed');
    const [hrBefore, unallocatedBefore] = [await shareOf(HR), await shareOf('(unallocated: aoai-eastus)')];
    const unchanged = (await CosmosAllocations.open(services.database)).runState('2026-11');
    await report('billed');
    // Nothing changed: the stored split stands (no recompute).
    expect((await (await CosmosAllocations.open(services.database)).runState('2026-11')).runId).toBe(
      (await unchanged).runId,
    );

    // HR's 2026-11-19 request on the unattributed key, delivered again under a new request id: a late event.
    const late = path.join(dir, 'late.jsonl');
    const line = readFileSync(sampleFile('events.jsonl'), 'utf8')
      .split('\n')
      .find((l) => l.includes(`"appId":"${HR}"`) && l.includes('"eventTime":"2026-11-19'));
    const event = line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>);
    expect(event).toBeDefined();
    writeFileSync(
      late,
      `${JSON.stringify({ ...event, requestId: 'c4d2e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f' })}\n`,
    );
    await ingestStream(readEvents(late), services.ingest, services.spill);

    const after = await report('billed');
    const [hrAfter, unallocatedAfter] = [await shareOf(HR), await shareOf('(unallocated: aoai-eastus)')];
    // The late tokens were part of what the bill called unattributed: they move from that row to HR.
    expect(hrAfter).toBeGreaterThan(hrBefore);
    expect(unallocatedAfter).toBeLessThan(unallocatedBefore);
    expect(hrAfter - hrBefore).toBe(unallocatedBefore - unallocatedAfter);
    // Still the whole bill, to the nano-unit, and the report agrees with what is stored.
    expect(after.total.costNanos).toBe(before.total.costNanos);
    const stored = await allocations.read('2026-11-01', '2026-11-30');
    const hrStored = stored.keys.flatMap((k) => k.shares).filter((s) => s.appId === HR);
    expect(after.rows.find((r) => r.key === HR)?.costNanos).toBe(
      String(hrStored.reduce((sum, s) => sum + s.effectiveNanos, 0n)),
    );
    // The same as allocating on demand from the same bill and rollups.
    expect((await cli('invoice', 'allocate', '--from', '2026-11')).code).toBe(0);
    expect(await shareOf(HR)).toBe(hrAfter);
  });

  describe('over HTTP', () => {
    let front: ChargebackFront;
    beforeAll(async () => {
      front = await startChargebackFront({ COSMOS_DATABASE: DATABASE }, world.stack.trustedCa);
    });
    afterAll(async () => {
      await front.close();
    });

    it('shows the reconciliation per resource on the billed page, the same classes as `reconcile`', async () => {
      const range = { from: '2026-11-16', to: '2026-11-22' };
      const { out } = await cli('reconcile', '--from', range.from, '--to', range.to, '--format', 'json');
      const keys = (JSON.parse(out) as { keys: { resourceName: string; classification: string }[] }).keys;
      const page = await fetch(
        `${front.url}/api/chargeback/page?${new URLSearchParams({ ...range, basis: 'billed' }).toString()}`,
      );
      expect(page.status).toBe(200);
      const html = await page.text();
      const table = /<table id="reconciliation">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
      const heads = [...table.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
      const row = /<tr><td title="[^"]*aoai-eastus">aoai-eastus<\/td>(.*?)<\/tr>/s.exec(table)?.[1] ?? '';
      const cells = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1] ?? '');
      expect(cells[0]).toBe(String(keys.filter((k) => k.resourceName === 'aoai-eastus').length));
      for (const c of ['matched', 'unattributed usage', 'price variance']) {
        const count = keys.filter((k) => k.resourceName === 'aoai-eastus' && k.classification === c).length;
        expect(count).toBeGreaterThan(0);
        expect(cells[heads.indexOf(c) - 1]).toBe(String(count));
      }
      // The estimate basis has no reconciliation.
      const estimate = await fetch(
        `${front.url}/api/chargeback/page?${new URLSearchParams(range).toString()}`,
      );
      expect(await estimate.text()).not.toContain('id="reconciliation"');
    });

    it('exports the billed basis as FOCUS with the bill’s own costs, meters and ARM resource ids', async () => {
      const url = `${front.url}/api/chargeback?from=2026-11-01&to=2026-11-30&format=focus&basis=billed`;
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const rows = parse<Record<string, string>>(await response.text(), { columns: true });
      const billedRows = rows.filter((r) => r.x_CostBasis === 'billed');
      const sum = (column: string) =>
        billedRows.reduce((total, r) => total + toAtto(r[column] ?? '0'), 0n) / 10n ** 9n;
      const newer = exportRows(path.join(dir, 'newer'));
      expect(sum('EffectiveCost')).toBe(effectiveNanos(newer));
      expect(sum('BilledCost')).toBe(effectiveNanos(newer, 'BilledCost'));
      const meterIds = new Set(newer.map((r) => r.x_SkuMeterId));
      expect(billedRows.every((r) => meterIds.has(r.x_SkuMeterId ?? ''))).toBe(true);
      expect(new Set(billedRows.map((r) => r.ResourceId))).toEqual(
        new Set([newer[0]?.ResourceId.toLowerCase()]),
      );
      const bad = await fetch(`${front.url}/api/chargeback?from=2026-11-01&to=2026-11-30&basis=invoice`);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('basis: must be estimate or billed');
    });
  });
});

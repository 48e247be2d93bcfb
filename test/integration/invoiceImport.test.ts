import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerInvoice } from '../../cli/commands/invoice.js';
import { registerReconcile } from '../../cli/commands/reconcile.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { createServices, type Services } from '../../shared/app/services.js';
import { loadSettings } from '../../shared/config.js';
import { UserError } from '../../shared/errors.js';
import { CosmosInvoiceStore } from '../../shared/invoice/cosmosInvoiceStore.js';
import { importNewRuns } from '../../shared/invoice/importNewRuns.js';
import {
  focusCsv,
  focusParquet,
  focusRow,
  manifest,
  METERS,
  resourceId,
  writeExportFile,
  type RowSpec,
} from '../helpers/focusExport.js';
import { runCommands } from '../helpers/cliInProcess.js';

const DATABASE = 'invoice';
const EAST = resourceId('aoai-east');
const PTU = resourceId('aoai-ptu');
const APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';

let stack: LocalStack;
let services: Services;
let store: CosmosInvoiceStore;
let dir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  stack = await startLocalStack({ azurite: true });
  const settings = loadSettings({ ...stack.env, COSMOS_DATABASE: DATABASE });
  services = await createServices(settings, { trustedCa: stack.trustedCa });
  store = await CosmosInvoiceStore.open(services.database);
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-invoice-'));
  const ca = path.join(dir, 'ca.pem');
  writeFileSync(ca, stack.trustedCa, 'utf8');
  Object.assign(process.env, stack.env, { COSMOS_DATABASE: DATABASE, CHARGEBACK_TRUSTED_CA_FILE: ca });
});

afterAll(async () => {
  await services.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env = savedEnv;
});

const cli = (...args: string[]) => runCommands([registerInvoice, registerReconcile], args);

/** A month-to-date export of August as of `lastDay`: the input meter every day, the PTU meter daily. */
function monthToDate(lastDay: number, revisedDay2 = false): RowSpec[] {
  const specs: RowSpec[] = [];
  for (let d = 1; d <= lastDay; d++) {
    const day = `2025-08-${String(d).padStart(2, '0')}`;
    const tokens = d === 2 && revisedDay2 ? '2500000' : '2000000';
    specs.push({ meter: METERS.gpt4oInput, resource: EAST, day, quantity: tokens, discountPercent: 10 });
    specs.push({ meter: METERS.ptuGlobal, resource: PTU, day, quantity: '360' });
  }
  return specs;
}

async function august() {
  const lines = await store.linesBetween('2025-08-01', '2025-09-01');
  return lines
    .map(
      (l) =>
        `${l.billingPeriod} ${l.resourceName} ${l.meterName} ${l.day} ${l.quantity} ${l.effectiveCostNanos}`,
    )
    .sort();
}

describe('chargeback invoice import', () => {
  it('replaces a month on re-import of a growing month-to-date export, never adds', async () => {
    const run = (name: string, days: number, submitted: string, revised: boolean, file: string) => {
      const folder = path.join(dir, 'mtd', name);
      writeExportFile(
        path.join(folder, file),
        monthToDate(days, revised).map((s) => focusRow(s)),
      );
      writeFileSync(
        path.join(folder, 'manifest.json'),
        manifest({
          runId: name,
          submittedTime: submitted,
          startDate: '2025-08-01',
          endDate: `2025-08-0${days}`,
          blobNames: [`exports/aoai-focus/${name}/${file}`],
        }),
      );
      return folder;
    };
    const day2 = run('run-2', 2, '2025-08-03T06:12:44.1234567Z', false, 'part_0_0001.csv');
    const day3 = run('run-3', 3, '2025-08-04T06:10:02.5Z', true, 'part_0_0001.snappy.parquet');

    expect((await cli('invoice', 'import', day2)).code).toBe(0);
    expect(await august()).toHaveLength(4);
    expect((await cli('invoice', 'import', day3)).code).toBe(0);
    const after = await august();
    expect(after).toHaveLength(6);
    expect(after).toContain('2025-08 aoai-east gpt-4o-0806-Inp-glbl Tokens 2025-08-02 2500000 5625000000');

    // The same run again, and the older run after the newer one: nothing changes.
    await cli('invoice', 'import', day3);
    const older = await cli('invoice', 'import', day2);
    expect(older.out).toMatch(/left as they were .*2025-08/);
    expect(await august()).toEqual(after);
  });

  it('a month imported again holds only what the last import said, even keys that disappeared', async () => {
    const june = (days: number) =>
      monthToDate(days).map((s) => focusRow({ ...s, day: s.day.replace('2025-08', '2025-06') }));
    const whole = path.join(dir, 'june-whole.csv');
    const first = path.join(dir, 'june-first-day.csv');
    writeExportFile(whole, june(3));
    writeExportFile(first, june(1));
    await cli('invoice', 'import', whole);
    expect(await store.linesBetween('2025-06-01', '2025-07-01')).toHaveLength(6);
    const { out } = await cli('invoice', 'import', first);
    expect(out).toMatch(/2025-06: 2 lines \(4 replaced\)/);
    expect(await store.linesBetween('2025-06-01', '2025-07-01')).toHaveLength(2);
  });

  it('keeps a correction billed next month on the day it corrects, whatever month is re-imported', async () => {
    const file = path.join(dir, 'september.csv.gz');
    const correction: RowSpec = {
      meter: METERS.gpt4oInput,
      resource: EAST,
      day: '2025-08-02',
      quantity: '-500000',
      discountPercent: 10,
      correction: true,
      billingMonth: '2025-09',
    };
    writeExportFile(file, [focusRow(correction)]);
    expect((await cli('invoice', 'import', file)).code).toBe(0);
    const lines = await store.linesBetween('2025-08-02', '2025-08-03');
    const input = lines.filter((l) => l.meterKind === 'tokens');
    expect(input.map((l) => [l.billingPeriod, l.quantity, l.correctionRows]).sort()).toEqual([
      ['2025-08', '2500000', 0],
      ['2025-09', '-500000', 1],
    ]);
    // Reconcile merges both months on the key: 2.5M - 0.5M billed tokens, matching 2M recorded.
    const usage = path.join(dir, 'usage.json');
    writeFileSync(
      usage,
      JSON.stringify([
        {
          resourceId: EAST,
          day: '2025-08-02',
          appId: APP,
          basis: 'meter',
          meterId: METERS.gpt4oInput.meterId,
          modelFamily: 'gpt-4o',
          tokenKind: 'input',
          units: '2000000',
          estimateNanos: '4500000000',
        },
      ]),
    );
    const result = await cli(
      'reconcile',
      '--from',
      '2025-08-02',
      '--to',
      '2025-08-02',
      '--format',
      'json',
      '--usage',
      usage,
    );
    const json = JSON.parse(result.out) as {
      keys: { meterName: string; classification: string; billedUnits: string }[];
    };
    expect(json.keys.find((k) => k.meterName.startsWith('gpt-4o'))).toMatchObject({
      classification: 'matched',
      billedUnits: '2000000',
    });
    expect(result.code).toBe(1); // the PTU key of that day has no records
  });

  it('rejects bad reconcile input as a user error (exit 2)', async () => {
    const bad = cli('reconcile', '--from', '2025-8-1', '--to', '2025-08-02', '--usage', 'usage.json');
    await expect(bad).rejects.toBeInstanceOf(UserError);
    await expect(
      cli('reconcile', '--from', '2025-08-01', '--to', '2025-08-02', '--format', 'xml'),
    ).rejects.toThrow(/--format: must be table, json or csv/);
  });

  it('reports rows whose quantities disagree and exits 1', async () => {
    const file = path.join(dir, 'bad.csv');
    writeExportFile(file, [
      focusRow({
        meter: METERS.gpt4oOutput,
        resource: EAST,
        day: '2025-07-09',
        quantity: '1000',
        pricingQuantity: '2',
      }),
    ]);
    const { code, out } = await cli('invoice', 'import', file);
    expect(code).toBe(1);
    expect(out).toMatch(/rejected .*bad\.csv row 1: quantities disagree/);
  });

  it('refuses a file without the FOCUS columns, naming them', async () => {
    const file = path.join(dir, 'other.csv');
    writeFileSync(file, 'Date,Cost\n2025-08-01,1\n');
    await expect(cli('invoice', 'import', file)).rejects.toThrow(
      /not a FOCUS cost export, missing column\(s\) EffectiveCost/,
    );
  });
});

describe('importInvoice timer', () => {
  it('picks up new export runs from the container, once each', async () => {
    const azurite = stack.azurite;
    if (azurite === undefined) throw new Error('azurite not started');
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'cost-exports',
    );
    await container.createIfNotExists();
    const upload = async (runId: string, submittedTime: string, days: number) => {
      const base = `exports/aoai-focus/20251001-20251031/${runId}`;
      const rows = monthToDate(days).map((s) => focusRow({ ...s, day: s.day.replace('2025-08', '2025-10') }));
      const parquet = new Uint8Array(focusParquet(rows));
      await container
        .getBlockBlobClient(`${base}/part_0_0001.snappy.parquet`)
        .upload(parquet, parquet.byteLength);
      const csv = focusCsv(rows);
      await container.getBlockBlobClient(`${base}/part_0_0002.csv`).upload(csv, Buffer.byteLength(csv));
      const body = manifest({
        runId,
        submittedTime,
        startDate: '2025-10-01',
        endDate: '2025-10-0' + String(days),
        blobNames: [` ${base}/part_0_0001.snappy.parquet`],
      });
      await container.getBlockBlobClient(`${base}/manifest.json`).upload(body, Buffer.byteLength(body));
    };
    const log: string[] = [];
    await upload('oct-1', '2025-10-02T06:00:00Z', 1);
    expect((await importNewRuns(container, store, (m) => log.push(m))).map((s) => s.label)).toEqual([
      'exports/aoai-focus/20251001-20251031/oct-1/manifest.json',
    ]);
    await upload('oct-2', '2025-10-03T06:00:00Z', 2);
    const second = await importNewRuns(container, store, (m) => log.push(m));
    expect(second.map((s) => [s.label, s.kept])).toEqual([
      ['exports/aoai-focus/20251001-20251031/oct-2/manifest.json', 4],
    ]);
    expect(await importNewRuns(container, store, (m) => log.push(m))).toEqual([]);
    expect(await store.linesBetween('2025-10-01', '2025-11-01')).toHaveLength(4);
    expect((await store.lastRun('2025-10'))?.runId).toBe('oct-2');
  });
});

/**
 * Writes samples/focus-export/: a Cost Management FOCUS export run (manifest.json + one CSV
 * partition) for the demo's period, built from what the demo records on its account. Run once,
 * and again whenever samples/events.jsonl changes:
 *
 *   node --experimental-transform-types --no-warnings --import ./test/helpers/tsNode/register.mjs tools/sampleFocusExport.ts
 *
 * Columns and units come from test/helpers/focusExport.ts (see test/fixtures/focus/README.md for
 * their source); meter ids, names, units of measure and list prices from
 * samples/retail-prices-snapshot.json. What is made up, on purpose: a 15% negotiated discount on
 * every token meter, 40,000 input tokens on 2026-11-19 the gateway never saw (the unattributed
 * row), and a day of the 50-unit PTU deployment billed hourly at list price.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { DEMO_DEPLOYMENTS, DEMO_SERVICE_PRINCIPALS } from '../local/demoDirectory.js';
import { DEMO_ARM_ACCOUNTS, DEMO_SUBSCRIPTION } from '../local/demoInventory.js';
import { sampleFile } from '../local/localSettings.js';
import { startLocalStack } from '../local/stack.js';
import { createServices } from '../shared/app/services.js';
import { loadSettings } from '../shared/config.js';
import { runInventoryRefresh } from '../shared/inventory/runRefresh.js';
import { readUsage } from '../shared/invoice/runReconcile.js';
import { ingestStream } from '../shared/pipeline/ingestStream.js';
import { readEvents } from '../shared/pipeline/readEvents.js';
import { refreshPriceBook } from '../shared/pricing/refreshPriceBook.js';
import type { RetailPriceItem } from '../shared/pricing/types.js';
import { CosmosInventoryStore } from '../shared/store/cosmosInventoryStore.js';
import { RollupUsage } from '../shared/store/rollupUsage.js';
import {
  focusCsv,
  focusRow,
  manifest,
  type CatalogMeter,
  type RowSpec,
} from '../test/helpers/focusExport.js';

const OUT = path.join('samples', 'focus-export');
const PARTITION = 'part_0_0001.csv';
const PTU_METER = 'Provisioned Managed Global Unit';
const PTU_DAY = '2026-11-19';
const PTU_UNITS = 50;
const UNATTRIBUTED = { day: '2026-11-19', meterName: 'gpt-4o-0806-Inp-glbl Tokens', tokens: 40_000n };
const DISCOUNT = 15;

async function main(): Promise<void> {
  const snapshot = JSON.parse(
    readFileSync(sampleFile('retail-prices-snapshot.json'), 'utf8'),
  ) as RetailPriceItem[];
  const catalog = (where: (i: RetailPriceItem) => boolean): CatalogMeter => {
    const item = snapshot.find((i) => i.armRegionName === 'eastus' && where(i));
    if (item?.meterId === undefined) throw new Error('meter not in the snapshot');
    return {
      meterId: item.meterId,
      meterName: item.meterName,
      unitOfMeasure: item.unitOfMeasure,
      retailPrice: String(item.retailPrice),
    };
  };
  const stack = await startLocalStack({
    servicePrincipals: DEMO_SERVICE_PRINCIPALS,
    priceItems: snapshot,
    serveAsServiceName: 'Foundry Models',
    armAccounts: DEMO_ARM_ACCOUNTS,
  });
  const settings = loadSettings({
    ...stack.env,
    DEPLOYMENTS: JSON.stringify(DEMO_DEPLOYMENTS),
    INVENTORY_SUBSCRIPTIONS: DEMO_SUBSCRIPTION,
  });
  const services = await createServices(settings, { trustedCa: stack.trustedCa });
  try {
    const { prices, retailDispatcher: dispatcher } = services;
    await refreshPriceBook({ url: settings.RETAIL_PRICES_URL, currency: 'USD', store: prices, dispatcher });
    const store = new CosmosInventoryStore(services.database.container('inventory'));
    await runInventoryRefresh({ settings, store, dispatcher, log: () => undefined });
    for (const file of ['events.jsonl', 'deployment-events.jsonl'])
      await ingestStream(readEvents(sampleFile(file)), services.ingest, services.spill);
    const usage = await readUsage(new RollupUsage(services.database), '2026-11-01', '2026-12-01');

    const billed = new Map<string, { spec: Omit<RowSpec, 'quantity'>; tokens: bigint }>();
    let ptuResource = '';
    for (const row of usage) {
      if (row.basis === 'provisioned') ptuResource = row.resourceId;
      if (row.basis !== 'meter' || row.meterId === undefined) continue;
      const meter = catalog((i) => i.meterId === row.meterId);
      const key = `${row.resourceId}|${row.meterId}|${row.day}`;
      const found = billed.get(key);
      billed.set(key, {
        spec: { meter, resource: armId(row.resourceId), day: row.day, discountPercent: DISCOUNT },
        tokens: (found?.tokens ?? 0n) + row.units,
      });
    }
    const specs: RowSpec[] = [...billed.values()].map(({ spec, tokens }) => ({
      ...spec,
      quantity: String(
        tokens +
          (spec.day === UNATTRIBUTED.day && spec.meter.meterName === UNATTRIBUTED.meterName
            ? UNATTRIBUTED.tokens
            : 0n),
      ),
    }));
    if (ptuResource === '')
      throw new Error('no provisioned usage recorded: is the PTU deployment in the inventory?');
    const ptu = catalog(
      (i) => i.meterName === PTU_METER && i.unitOfMeasure === '1/Hour' && i.retailPrice === 1,
    );
    specs.push({ meter: ptu, resource: armId(ptuResource), day: PTU_DAY, quantity: String(PTU_UNITS * 24) });
    specs.sort((a, b) => a.day.localeCompare(b.day) || a.meter.meterName.localeCompare(b.meter.meterName));

    mkdirSync(OUT, { recursive: true });
    writeFileSync(path.join(OUT, PARTITION), focusCsv(specs.map((s) => focusRow(s))));
    writeFileSync(
      path.join(OUT, 'manifest.json'),
      `${manifest({
        runId: '4b1f0c2e-9d7a-4e55-8a43-2f6c1d0e9b71',
        submittedTime: '2026-11-23T06:14:09.5210000Z',
        startDate: '2026-11-01',
        endDate: '2026-11-30',
        blobNames: [`exports/aoai-focus/20261101-20261130/${PARTITION}`],
      })}\n`,
    );
    process.stdout.write(`${specs.length} rows → ${OUT}\n`);
  } finally {
    await services.close();
    await stack.stop();
  }
}

/** The export spells the ARM id with Azure's casing; records keep it lower-cased. */
function armId(lower: string): string {
  return lower
    .replace('/resourcegroups/', '/resourceGroups/')
    .replace('/providers/microsoft.cognitiveservices/', '/providers/Microsoft.CognitiveServices/');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

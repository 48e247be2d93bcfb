import { readFileSync } from 'node:fs';
import path from 'node:path';

import { createServices } from '../shared/app/services.js';
import { loadSettings } from '../shared/config.js';
import { ingestStream } from '../shared/pipeline/ingestStream.js';
import { readEvents } from '../shared/pipeline/readEvents.js';
import { refreshPriceBook } from '../shared/pricing/refreshPriceBook.js';
import type { RetailPriceItem } from '../shared/pricing/types.js';
import { reportTable } from '../shared/report/formatReport.js';
import { runReport } from '../shared/report/runReport.js';
import { DEMO_DEPLOYMENTS, DEMO_SERVICE_PRINCIPALS } from '../local/demoDirectory.js';
import { DEMO_ARM_ACCOUNTS, DEMO_SUBSCRIPTION, demoInventoryLines } from '../local/demoInventory.js';
import { formatRefresh, runInventoryRefresh } from '../shared/inventory/runRefresh.js';
import { CosmosInventoryStore } from '../shared/store/cosmosInventoryStore.js';
import { startChargebackFront } from '../local/chargebackFront.js';
import { demoBill } from './billed.js';
import { exportLines, sampleFile, settingsForStack } from '../local/localSettings.js';
import { startLocalStack } from '../local/stack.js';
import { demoMultimodalLines } from '../local/demoMultimodal.js';
import { untilStopped } from '../local/untilStopped.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The whole pipeline on embedded local services: no Azure account, no network. */
async function main(): Promise<void> {
  const snapshot = [
    ...(JSON.parse(readFileSync(sampleFile('retail-prices-snapshot.json'), 'utf8')) as RetailPriceItem[]),
    // Audio, transcription and image meters for samples/multimodal-events.jsonl.
    ...(JSON.parse(readFileSync(sampleFile('retail-prices-multimodal.json'), 'utf8')) as RetailPriceItem[]),
  ];
  const stack = await startLocalStack({
    servicePrincipals: DEMO_SERVICE_PRINCIPALS,
    priceItems: snapshot,
    serveAsServiceName: 'Foundry Models',
    armAccounts: DEMO_ARM_ACCOUNTS,
  });
  say('Local services on 127.0.0.1:');
  say(`  Cosmos stand-in  ${stack.cosmos.endpoint}`);
  say(`  Graph stand-in   ${stack.graph.url}`);
  say(`  Retail Prices    ${stack.retail.url}`);
  say(`  ARM stand-in     ${stack.arm.url}`);
  const settings = loadSettings({
    ...stack.env,
    DEPLOYMENTS: JSON.stringify(DEMO_DEPLOYMENTS),
    INVENTORY_SUBSCRIPTIONS: DEMO_SUBSCRIPTION,
  });
  const services = await createServices(settings, { trustedCa: stack.trustedCa });
  try {
    const prices = await refreshPriceBook({
      url: settings.RETAIL_PRICES_URL,
      currency: settings.PRICE_CURRENCY,
      store: services.prices,
      dispatcher: services.retailDispatcher,
    });
    say(
      `\nprices refresh: ${prices.items} catalog items → ${prices.tokenMeters} token meters in the price book, ` +
        `${prices.capacityMeters} hourly capacity prices (PTU) beside it`,
    );

    const inventory = await runInventoryRefresh({
      settings,
      store: new CosmosInventoryStore(services.database.container('inventory')),
      dispatcher: services.retailDispatcher,
      log: say,
    });
    say(`deployments refresh: ${formatRefresh(inventory).join('; ')}`);

    const file = sampleFile('events.jsonl');
    const result = await ingestStream(readEvents(file), services.ingest, services.spill);
    const t = result.totals;
    say(
      `ingest samples/events.jsonl: read ${result.read}, written ${t.recorded + t.pending} ` +
        `(pending ${t.pending}, unpriced ${t.unpriced}), duplicates ${t.duplicates}, dead-lettered ${t.deadLettered}`,
    );
    say(`graph: ${services.directory.stats.requests} $batch request(s) for all apps`);
    await ingestStream(readEvents(sampleFile('deployment-events.jsonl')), services.ingest, services.spill);
    say('ingest samples/deployment-events.jsonl, priced by the deployments ARM lists:');
    for (const line of await demoInventoryLines(services)) say(line);
    say('ingest samples/multimodal-events.jsonl, each token kind at its own meter:');
    for (const line of await demoMultimodalLines(services, sampleFile('multimodal-events.jsonl'))) say(line);

    const { report } = await runReport(services, { from: '2025-01-01', to: '2026-12-31', by: 'app' });
    say(`\n${reportTable(report)}`);
    const units = await runReport(services, { from: '2025-01-01', to: '2026-12-31', by: 'businessUnit' });
    say(reportTable(units.report));
    await demoBill(services, say);

    // The HTTP functions' handlers, served the way `func start` would (which the demo cannot assume).
    const front = await startChargebackFront(
      { ...stack.env, DEPLOYMENTS: JSON.stringify(DEMO_DEPLOYMENTS) },
      stack.trustedCa,
    );
    try {
      say(`Chargeback page: ${front.pageUrl('2026-11-01', '2026-11-30')}`);
      say(`FOCUS CSV:       ${front.url}/api/chargeback?from=2026-11-01&to=2026-11-30&format=focus`);
      if (process.argv.includes('--serve')) {
        // The same settings `npm run local` prints, so another shell's CLI can use this demo's data.
        const settings = settingsForStack(stack, path.join('.local', 'demo-cert.pem'));
        say('\nSettings for another shell (then `npm exec --no -- chargeback report …`):');
        for (const line of exportLines(settings)) say(line);
        say('Serving until Ctrl-C.');
        // Stops on Ctrl-C, SIGTERM, or when `npm run`'s shell is killed (see untilStopped).
        await untilStopped();
      } else {
        say('(the demo stops its services now; `npm run demo -- --serve` keeps the page up until Ctrl-C)');
      }
    } finally {
      await front.close();
    }
  } finally {
    await services.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});

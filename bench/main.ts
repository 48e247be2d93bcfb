import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startLocalStack, type LocalStack } from '../local/stack.js';
import { startRetailPricesStandIn } from '../local/retailPricesStandIn.js';
import { createServices, type Services } from '../shared/app/services.js';
import { loadSettings } from '../shared/config.js';
import { refreshPriceBook } from '../shared/pricing/refreshPriceBook.js';
import type { RetailPriceItem } from '../shared/pricing/types.js';
import { CONTAINERS, ensureContainers, type ContainerName } from '../shared/store/containers.js';
import { parseArgs, type BenchArgs } from './args.js';
import { benchBilling } from './billing.js';
import { buildSyntheticCatalog, buildTenant, writeEventFiles } from './generate.js';
import {
  coreResultSchema,
  floorResultSchema,
  ingestResultSchema,
  refreshResultSchema,
  type CoreResult,
  type FloorResult,
  type IngestResult,
  type Job,
} from './protocol.js';
import { printReport, summaries, type BenchResults, type E2eRun } from './report.js';
import { countCosmosRequests } from './requestCounter.js';
import { estimateRu, indexedTermsOf, type RuInputs } from './ruModel.js';
import { runWorker } from './runWorker.js';

const APPS = 200;
const BATCH_SIZE = 500;
const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'chargeback-bench-'));
  try {
    await bench(args, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bench(args: BenchArgs, dir: string): Promise<void> {
  const tenant = buildTenant(APPS, args.seed);
  const appIds = tenant.servicePrincipals.map((sp) => sp.appId);
  const file = join(dir, 'events.jsonl');
  const quarterFile = join(dir, 'events-quarter.jsonl');
  const quarter = Math.max(100, Math.floor(args.events / 4));
  progress(`generating ${args.events} events for ${APPS} apps into ${file}`);
  let start = performance.now();
  const input = await writeEventFiles(file, args.events, tenant, args.seed, {
    path: quarterFile,
    count: quarter,
  });
  const generateSeconds = (performance.now() - start) / 1000;

  const snapshot = [
    ...(JSON.parse(
      readFileSync(repoFile('samples/retail-prices-snapshot.json'), 'utf8'),
    ) as RetailPriceItem[]),
    // The audio, transcription and image meters of the 10% multimodal events.
    ...(JSON.parse(
      readFileSync(repoFile('samples/retail-prices-multimodal.json'), 'utf8'),
    ) as RetailPriceItem[]),
  ];
  const stack = await startLocalStack({
    servicePrincipals: tenant.servicePrincipals,
    priceItems: snapshot,
    serveAsServiceName: 'Foundry Models',
  });
  const cosmos = countCosmosRequests(Number(new URL(stack.cosmos.endpoint).port));
  const database = `bench-${Date.now().toString(36)}`;
  const env = { ...stack.env, COSMOS_DATABASE: database };
  const services = await createServices(loadSettings(env), { trustedCa: stack.trustedCa });
  try {
    start = performance.now();
    const snapshotRefresh = await refreshPriceBook({
      url: services.settings.RETAIL_PRICES_URL,
      currency: services.settings.PRICE_CURRENCY,
      store: services.prices,
      dispatcher: services.retailDispatcher,
    });
    const snapshotRefreshSeconds = (performance.now() - start) / 1000;
    progress(
      `price book: ${snapshotRefresh.items} snapshot items → ${snapshotRefresh.tokenMeters} token meters`,
    );

    const base = { env, trustedCa: stack.trustedCa };
    const e2e = async (path: string, events: number, label: string): Promise<E2eRun> => {
      progress(`e2e ${label}: ingesting ${events} events`);
      const { result, traffic } = await runWorker({ mode: 'ingest', ...base, file: path }, stack, cosmos);
      const run: IngestResult = ingestResultSchema.parse(result);
      progress(
        `  ${(run.read / run.seconds).toFixed(0)} events/s in ${run.seconds.toFixed(1)} s; ` +
          `graph ${traffic.graph}, retail ${traffic.retail}, cosmos ${traffic.cosmos} requests, peak RSS ${run.peakRssMb.toFixed(0)} MB`,
      );
      return { ...run, events, traffic };
    };
    const floor = async (index: number): Promise<FloorResult> => {
      progress(
        `store floor ${index + 1}: SDK items.bulk create of the same documents into a fresh container`,
      );
      const { result, traffic } = await runWorker(
        { mode: 'floor', ...base, container: `floor-${index + 1}`, file },
        stack,
        cosmos,
      );
      const run = floorResultSchema.parse(result);
      progress(
        `  ${(run.docs / run.seconds).toFixed(0)} docs/s in ${run.seconds.toFixed(1)} s (${traffic.cosmos} requests)`,
      );
      return run;
    };

    // 1. End to end, as `chargeback ingest`; the first run meets a cold `apps` cache, later ones a warm one.
    //    Each run is paired with a store floor taken right after it.
    const runs: E2eRun[] = [];
    const floors: FloorResult[] = [];
    for (let i = 0; i < args.runs; i++) {
      await resetContainers(services, ['usage', 'rollups', 'deadletter']);
      runs.push(await e2e(file, args.events, `run ${i + 1}/${args.runs}${i === 0 ? ' (cold apps)' : ''}`));
      floors.push(await floor(i));
    }
    await resetContainers(services, ['usage', 'rollups', 'deadletter']);
    const quarterRun = await e2e(quarterFile, quarter, 'N/4');

    // 2. Core CPU, in its own process, warm caches, no store.
    const coreFile = args.events <= 200_000 ? file : quarterFile;
    progress(`core CPU: ${args.coreRuns} runs of processBatch vs JSON.parse`);
    const coreJob: Job = {
      mode: 'core',
      ...base,
      file: coreFile,
      runs: args.coreRuns,
      appIds,
      batchSize: BATCH_SIZE,
    };
    const coreRun = await runWorker(coreJob, stack, cosmos);
    const core = coreResultSchema.parse(coreRun.result);

    // 3. A price refresh of a catalog the size of the real one, from its own Retail Prices stand-in.
    progress(`price refresh: ${args.refreshItems} synthetic catalog items`);
    const catalog = buildSyntheticCatalog(snapshot, args.refreshItems, args.seed);
    const retail = await startRetailPricesStandIn({ items: catalog });
    let refreshRun;
    try {
      const refreshEnv = { ...env, COSMOS_DATABASE: `${database}-prices`, RETAIL_PRICES_URL: retail.url };
      refreshRun = await runWorker(
        { mode: 'refresh', env: refreshEnv, trustedCa: stack.trustedCa, runs: 2 },
        stack,
        cosmos,
      );
    } finally {
      await retail.close();
    }
    const refresh = refreshResultSchema.parse(refreshRun.result);

    // 4. The bill: FOCUS import against csv-parse alone on the same file, and allocation of 1M records.
    progress(
      `billing: import of ${args.focusRows} FOCUS rows, allocation over ${args.allocationRecords} records`,
    );
    const billing = await benchBilling(dir, repoFile('samples/focus-export/part_0_0001.csv'), {
      focusRows: args.focusRows,
      records: args.allocationRecords,
      seed: args.seed,
    });

    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        totalMemoryGb: totalmem() / 1024 ** 3,
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
      },
      args,
      input: { ...input, apps: APPS, generateSeconds, batchSize: BATCH_SIZE, quarterEvents: quarter },
      priceBook: {
        snapshotItems: snapshotRefresh.items,
        tokenMeters: snapshotRefresh.tokenMeters,
        refreshSeconds: snapshotRefreshSeconds,
      },
      core: { ...core, traffic: coreRun.traffic },
      e2e: { runs, quarter: quarterRun },
      floors,
      ru: estimateRu(ruInputs(core, core.recordBytes.median)),
      ruAtMax: estimateRu(ruInputs(core, core.recordBytes.max)),
      refresh: { ...refresh, catalogItems: catalog.length },
      billing,
    };
    const out = args.out ?? repoFile('bench/results.json');
    const targets = printReport(results);
    writeFileSync(out, `${JSON.stringify({ ...results, summary: summaries(results), targets }, null, 2)}\n`);
    process.stdout.write(`\nresults written to ${out}\n`);
  } finally {
    cosmos.close();
    await services.close();
    await stopStack(stack);
  }
}

function ruInputs(core: CoreResult, recordBytes: number): RuInputs {
  return {
    recordBytes,
    indexedTerms: indexedTermsOf(CONTAINERS.usage.indexingPolicy.includedPaths),
    markersPerEvent: core.markers / Math.max(1, core.events),
    markerBytes: core.markerBytes / Math.max(1, core.markers),
    ledgerDocsPerEvent: core.ledgerDocs / Math.max(1, core.events),
    ledgerBytes: core.ledgerBytes / Math.max(1, core.ledgerDocs),
  };
}

/** Fresh, empty containers (the stand-in frees the documents), so every run writes every record. */
async function resetContainers(services: Services, names: readonly ContainerName[]): Promise<void> {
  for (const name of names) {
    await services.database
      .container(name)
      .delete()
      .catch(() => undefined);
  }
  await ensureContainers(services.database, names);
}

async function stopStack(stack: LocalStack): Promise<void> {
  await stack.stop().catch((error: unknown) => {
    progress(`stopping the stand-ins failed: ${String(error)}`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});

import type { BillingResult } from './billing.js';
import Table from 'cli-table3';

import type { BenchArgs } from './args.js';
import type { EventFileStats } from './generate.js';
import type { CoreResult, FloorResult, IngestResult, RefreshResult } from './protocol.js';
import type { RuEstimate } from './ruModel.js';
import type { Traffic } from './runWorker.js';
import { spread, type Spread } from './stats.js';

export interface E2eRun extends IngestResult {
  readonly events: number;
  readonly traffic: Traffic;
}

export interface BenchResults {
  /** The bill (issue 16): FOCUS import and allocation figures. */
  readonly billing?: BillingResult;
  readonly generatedAt: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly totalMemoryGb: number;
    readonly node: string;
    readonly platform: string;
  };
  readonly args: BenchArgs;
  readonly input: EventFileStats & {
    readonly apps: number;
    readonly generateSeconds: number;
    readonly batchSize: number;
    readonly quarterEvents: number;
  };
  readonly priceBook: {
    readonly snapshotItems: number;
    readonly tokenMeters: number;
    readonly refreshSeconds: number;
  };
  readonly core: CoreResult & { readonly traffic: Traffic };
  readonly e2e: {
    /** At N; the first meets an empty `apps` container (cold), the others a warm one. */
    readonly runs: readonly E2eRun[];
    /** At N/4, warm: the other end of the RSS check. */
    readonly quarter: E2eRun;
  };
  readonly floors: readonly FloorResult[];
  /** At the median record size, and at the largest. */
  readonly ru: RuEstimate;
  readonly ruAtMax: RuEstimate;
  readonly refresh: RefreshResult & { readonly catalogItems: number };
}

export interface Target {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  readonly status: 'pass' | 'acceptable' | 'fail';
}

/** Assumptions of the cost lines (docs/performance.md): list prices, one region, no free tier. */
export const PRICES = {
  serverlessPerMillionRu: 0.25,
  provisionedPer100RuSHour: 0.008,
  storagePerGbMonth: 0.25,
  hoursPerMonth: 730,
  /** Provisioned throughput is sized for the peak hour: assumed twice the daily average. */
  peakToAverage: 2,
  minimumRuS: 400,
} as const;

export interface CostLine {
  readonly eventsPerDay: number;
  readonly ruPerDay: number;
  readonly averageRuS: number;
  readonly serverlessPerMonth: number;
  readonly provisionedRuS: number;
  readonly provisionedPerMonth: number;
  readonly storageGbPerMonth: number;
}

export function costLine(eventsPerDay: number, ruPerEvent: number, storedBytes: number): CostLine {
  const ruPerDay = eventsPerDay * ruPerEvent;
  const averageRuS = ruPerDay / 86_400;
  const provisionedRuS = Math.max(
    PRICES.minimumRuS,
    Math.ceil((averageRuS * PRICES.peakToAverage) / 100) * 100,
  );
  return {
    eventsPerDay,
    ruPerDay,
    averageRuS,
    serverlessPerMonth: ((ruPerDay * 30) / 1e6) * PRICES.serverlessPerMillionRu,
    provisionedRuS,
    provisionedPerMonth: (provisionedRuS / 100) * PRICES.provisionedPer100RuSHour * PRICES.hoursPerMonth,
    storageGbPerMonth: (eventsPerDay * 30 * storedBytes) / 1024 ** 3,
  };
}

/** Plain tables: no colour codes, so the output reads the same in a terminal, a pipe or a file. */
const newTable = (options: { head: string[] }) => new Table({ ...options, style: { head: [], border: [] } });

const n0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const n1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
const n2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const row = (name: string, s: Spread, f: (v: number) => string, unit = '') => [
  name,
  f(s.min),
  f(s.median),
  f(s.max),
  unit,
];

export function summaries(r: BenchResults) {
  const core = r.core;
  const coreEps = spread(core.runs.map((run) => core.events / run.coreSeconds));
  const coreUs = spread(core.runs.map((run) => (run.coreSeconds * 1e6) / core.events));
  const parseEps = spread(core.runs.map((run) => core.events / run.floorSeconds));
  const parseUs = spread(core.runs.map((run) => (run.floorSeconds * 1e6) / core.events));
  const coreRatio = spread(core.runs.map((run) => run.coreSeconds / run.floorSeconds));
  const eps = (runs: readonly E2eRun[]) => spread(runs.map((run) => run.read / run.seconds));
  const floorEps = spread(r.floors.map((f) => f.docs / f.seconds));
  const paired = (runs: readonly E2eRun[]) =>
    spread(
      runs.map((run, i) => {
        const floor = r.floors[i] ?? r.floors[0];
        return floor === undefined ? Number.NaN : run.seconds / floor.seconds;
      }),
    );
  const perThousand = (runs: readonly E2eRun[]) =>
    spread(runs.map((run) => (run.traffic.cosmos * 1000) / run.read));
  return {
    coreEps,
    coreUs,
    parseEps,
    parseUs,
    coreRatio,
    e2eEps: eps(r.e2e.runs),
    floorEps,
    e2eRatio: paired(r.e2e.runs),
    e2eCosmos: perThousand(r.e2e.runs),
    e2eRss: spread(r.e2e.runs.map((run) => run.peakRssMb)),
  };
}

/**
 * Peak RSS projected to `events`. What could grow with N is what the process retains, so the slope is
 * that of the heap left after a full GC between N/4 and N; the peak's own jitter (garbage V8 has not
 * collected yet) does not scale with N and is not extrapolated.
 */
function projectRss(quarter: E2eRun, runs: readonly E2eRun[], events: number): number {
  const full = spread(runs.map((run) => run.peakRssMb)).median;
  const retained = spread(runs.map((run) => run.retainedHeapMb)).median;
  const at = runs[0]?.events ?? 0;
  if (at <= quarter.events) return full;
  const slope = Math.max(0, (retained - quarter.retainedHeapMb) / (at - quarter.events));
  return full + slope * Math.max(0, events - at);
}

export function evaluateTargets(r: BenchResults): Target[] {
  const s = summaries(r);
  const targets: Target[] = [];
  const add = (name: string, target: string, measured: string, status: Target['status']) => {
    targets.push({ name, target, measured, status });
  };
  const ok = (pass: boolean): Target['status'] => (pass ? 'pass' : 'fail');
  add(
    'core throughput',
    '≥ 100,000 events/s',
    `${n0(s.coreEps.median)} events/s`,
    ok(s.coreEps.median >= 100_000),
  );
  add('core vs JSON.parse floor', '≤ 3×', `${n2(s.coreRatio.median)}×`, ok(s.coreRatio.median <= 3));
  const e2eStatus = (ratio: number): Target['status'] =>
    ratio <= 1.3 ? 'pass' : ratio <= 1.5 ? 'acceptable' : 'fail';
  add(
    'e2e vs store floor',
    '≤ 1.3× (≤ 1.5× acceptable)',
    `${n2(s.e2eRatio.median)}×`,
    e2eStatus(s.e2eRatio.median),
  );
  const newApps = r.input.apps;
  const graphBudget = Math.ceil(newApps / 20);
  const cold = r.e2e.runs[0]?.traffic.graph ?? Number.NaN;
  add(
    'Graph, cold (first run, new apps)',
    `≤ ceil(${newApps}/20) = ${graphBudget}`,
    `${cold} requests`,
    ok(cold <= graphBudget),
  );
  const warmRuns = [...r.e2e.runs.slice(1), r.e2e.quarter];
  const warm = Math.max(r.core.traffic.graph, ...warmRuns.map((run) => run.traffic.graph));
  add('Graph, warm', '0', `${warm} requests (max over warm runs and core)`, ok(warm === 0));
  const allRuns = [...r.e2e.runs, r.e2e.quarter];
  const retail = Math.max(...allRuns.map((run) => run.traffic.retail));
  add('Retail Prices during ingest', '0', `${retail} requests`, ok(retail === 0));
  {
    const { quarter, runs } = r.e2e;
    const full = spread(runs.map((run) => run.peakRssMb)).median;
    const growth = (full - quarter.peakRssMb) / quarter.peakRssMb;
    const atMillion = projectRss(quarter, runs, 1_000_000);
    add(
      'RSS flat with N',
      '≤ +20% from N/4 to N; < 300 MB at 1M',
      `peak ${n0(quarter.peakRssMb)} MB @${n0(quarter.events)} → ${n0(full)} MB @${n0(runs[0]?.events ?? 0)} ` +
        `(${growth >= 0 ? '+' : ''}${n0(growth * 100)}%), heap after GC ${n0(quarter.retainedHeapMb)} → ` +
        `${n0(spread(runs.map((run) => run.retainedHeapMb)).median)} MB; ${n0(atMillion)} MB @1M` +
        ((runs[0]?.events ?? 0) >= 1_000_000 ? '' : ' projected'),
      ok(growth <= 0.2 && atMillion < 300),
    );
  }
  add(
    'record size',
    '≤ 1 KB (1,024 B)',
    `median ${n0(r.core.recordBytes.median)} B, max ${n0(r.core.recordBytes.max)} B as written`,
    ok(r.core.recordBytes.max <= 1024),
  );
  const firstRefresh = r.refresh.runs[0];
  add(
    `price refresh, ${n0(r.refresh.catalogItems)} items`,
    '< 5 s',
    firstRefresh ? `${n2(firstRefresh.seconds)} s` : '–',
    ok((firstRefresh?.seconds ?? Infinity) < 5),
  );
  return targets;
}

export function printReport(r: BenchResults): Target[] {
  const s = summaries(r);
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const head = ['', 'min', 'median', 'max', ''];
  out(
    `\nchargeback bench — ${n0(r.input.events)} events, ${r.input.apps} apps, ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`,
  );
  out(
    `input: ${n1(r.input.bytes / 1024 ** 2)} MB JSON Lines (${n0(r.input.bytes / r.input.events)} B/event), ` +
      `${r.input.days} days; ` +
      Object.entries(r.input.byOperation)
        .map(([op, count]) => `${op} ${n0((count * 100) / r.input.events)}%`)
        .join(', ') +
      `; cached tokens ${n0((r.input.withCachedTokens * 100) / r.input.events)}%, reasoning ${n0((r.input.withReasoningTokens * 100) / r.input.events)}%`,
  );

  const core = newTable({ head: ['core CPU (processBatch, warm caches, no-op store)', ...head.slice(1)] });
  core.push(
    row('core events/s', s.coreEps, n0),
    row('core µs/event', s.coreUs, n2, 'µs'),
    row('JSON.parse floor events/s', s.parseEps, n0),
    row('JSON.parse floor µs/event', s.parseUs, n2, 'µs'),
    row('core ÷ JSON.parse', s.coreRatio, n2, '×'),
  );
  out(core.toString());
  out(
    `  ${n0(r.core.events)} events/run: recorded ${n0(r.core.totals.recorded ?? 0)}, pending ${n0(r.core.totals.pending ?? 0)}, ` +
      `unpriced ${n0(r.core.totals.unpriced ?? 0)}, dead-lettered ${n0(r.core.totals.deadLettered ?? 0)}; ` +
      `during core: Graph ${r.core.traffic.graph}, Cosmos ${r.core.traffic.cosmos} requests`,
  );

  const e2e = newTable({ head: ['end to end (ingestStream → Cosmos stand-in)', ...head.slice(1)] });
  e2e.push(
    row('ingest events/s (as chargeback ingest)', s.e2eEps, n0),
    row('store floor docs/s (items.bulk, 100/call, 8 in flight)', s.floorEps, n0),
    row('ingest ÷ store floor (time)', s.e2eRatio, n2, '×'),
    row('Cosmos requests / 1,000 events', s.e2eCosmos, n1),
    row('peak RSS at N', s.e2eRss, n0, 'MB'),
  );
  out(e2e.toString());
  const runsTable = newTable({
    head: [
      'run',
      'events',
      'events/s',
      'Graph',
      'Retail',
      'Cosmos',
      'RSS at start MB',
      'peak RSS MB',
      'maxRSS MB',
      'heap after GC MB',
      'recorded',
      'pending',
      'unpriced',
    ],
  });
  const describe = (label: string, run: E2eRun) => [
    label,
    n0(run.read),
    n0(run.read / run.seconds),
    run.traffic.graph,
    run.traffic.retail,
    run.traffic.cosmos,
    n0(run.baselineRssMb),
    n0(run.peakRssMb),
    n0(run.maxRssMb),
    n0(run.retainedHeapMb),
    n0(run.totals.recorded ?? 0),
    n0(run.totals.pending ?? 0),
    n0(run.totals.unpriced ?? 0),
  ];
  r.e2e.runs.forEach((run, i) => runsTable.push(describe(`${i + 1}${i === 0 ? ' (cold apps)' : ''}`, run)));
  runsTable.push(describe('N/4', r.e2e.quarter));
  out(runsTable.toString());
  const kinds = (run: E2eRun | undefined) =>
    run === undefined
      ? ''
      : Object.entries(run.traffic.cosmosByKind)
          .sort((a, b) => b[1] - a[1])
          .map(([kind, count]) => `${kind} ${n1((count * 1000) / run.read)}`)
          .join(', ');
  out(`  Cosmos requests per 1,000 events by kind (last run): ${kinds(r.e2e.runs[r.e2e.runs.length - 1])}`);
  const short = r.floors.filter((f) => f.created !== f.docs);
  if (short.length > 0) {
    out(
      `  WARNING: store floor created ${short.map((f) => `${n0(f.created)}/${n0(f.docs)}`).join(', ')} documents`,
    );
  }

  const floor = r.floors[0];
  const records = newTable({ head: ['records', 'median', 'p95', 'max', ''] });
  records.push([
    'as written (JSON bytes)',
    n0(r.core.recordBytes.median),
    n0(r.core.recordBytes.p95),
    n0(r.core.recordBytes.max),
    'B',
  ]);
  if (floor) {
    records.push([
      'as stored (+ _rid, _self, _etag, _attachments, _ts)',
      n0(floor.storedBytes.median),
      n0(floor.storedBytes.p95),
      n0(floor.storedBytes.max),
      'B',
    ]);
  }
  out(records.toString());
  out(
    `  largest fields (mean bytes): ${r.core.fieldBytes
      .slice(0, 8)
      .map(([name, bytes]) => `${name} ${n0(bytes)}`)
      .join(', ')}`,
  );

  const ru = newTable({
    head: ['estimated RU (docs/performance.md)', 'median record', 'largest record', ''],
  });
  ru.push(
    [
      `usage create (size part + 0.2 × ${r.ru.indexedTerms} indexed terms)`,
      n2(r.ru.recordCreate),
      n2(r.ruAtMax.recordCreate),
      'RU',
    ],
    ['dirty-marker create (one per batch, its app-days listed)', n2(r.ru.markerCreate), '', 'RU'],
    ['marker writes per event', n2(r.ru.markersPerEvent * 1000) + ' / 1,000', '', ''],
    ['ingest-ledger write (one per batch and day)', n2(r.ru.ledgerWrite), '', 'RU'],
    ['ledger writes per event', n2(r.ru.ledgerDocsPerEvent * 1000) + ' / 1,000', '', ''],
    ['RU per event', n2(r.ru.perEvent), n2(r.ruAtMax.perEvent), 'RU'],
  );
  out(ru.toString());
  const costs = newTable({
    head: [
      'events/day',
      'RU/s avg',
      'serverless $/month',
      'provisioned RU/s (2× avg)',
      'provisioned $/month',
      'new storage GB/month',
    ],
  });
  const stored = floor?.storedBytes.median ?? r.core.recordBytes.median;
  for (const perDay of [1e6, 1e7, 1e8]) {
    const c = costLine(perDay, r.ru.perEvent, stored);
    costs.push([
      n0(perDay),
      n0(c.averageRuS),
      n0(c.serverlessPerMonth),
      n0(c.provisionedRuS),
      n0(c.provisionedPerMonth),
      n0(c.storageGbPerMonth),
    ]);
  }
  out(costs.toString());

  const refresh = newTable({
    head: ['price refresh', 'seconds', 'items', 'token meters', 'created', 'unchanged', 'requests'],
  });
  r.refresh.runs.forEach((run, i) =>
    refresh.push([
      i === 0 ? 'first (empty prices)' : 'again (all unchanged)',
      n2(run.seconds),
      n0(run.items),
      n0(run.tokenMeters),
      n0(run.created),
      n0(run.unchanged),
      run.requests,
    ]),
  );
  refresh.push([
    `snapshot (${r.priceBook.snapshotItems} items)`,
    n2(r.priceBook.refreshSeconds),
    n0(r.priceBook.snapshotItems),
    n0(r.priceBook.tokenMeters),
    '',
    '',
    '',
  ]);
  out(refresh.toString());
  out(
    `  of which: catalog download ${n2(r.refresh.fetchSeconds)} s (${r.refresh.runs[0]?.requests ?? 0} pages, ` +
      `the stand-in's filtering included), items → documents ${n2(r.refresh.convertSeconds)} s, the rest is the save`,
  );
  out(
    r.refresh.loadSeconds === null
      ? `  loading the ${n0(r.refresh.bookRows)}-row book: not timed (the stand-in's queries are quadratic in the container)`
      : `  loading the ${n0(r.refresh.bookRows)}-row book into memory (each instance, every 15 min): ${n2(r.refresh.loadSeconds)} s`,
  );

  const targets = evaluateTargets(r);
  const table = newTable({ head: ['target', 'wanted', 'measured', 'status'] });
  for (const t of targets) table.push([t.name, t.target, t.measured, t.status.toUpperCase()]);
  out(table.toString());
  if (r.billing) printBilling(r.billing, out);
  return targets;
}

function printBilling(b: BillingResult, out: (line?: string) => void): void {
  const { import: imp, allocation: a } = b;
  const t = newTable({ head: ['the bill (in process, no store)', 'value', ''] });
  t.push(
    ['FOCUS import rows/s (stream, keep, sum per key)', n0(imp.rows / imp.importSeconds), 'rows/s'],
    ['csv-parse alone, same file, rows/s', n0(imp.rows / imp.parseSeconds), 'rows/s'],
    ['import ÷ parse', n2(imp.importSeconds / imp.parseSeconds), '×'],
    ['allocation: rollUp of the records', n2(a.rollupSeconds), 's'],
    ['allocation: usage rows + exact split of the bill', n2(a.allocateSeconds), 's'],
    ['allocation records/s (both steps)', n0(a.records / (a.rollupSeconds + a.allocateSeconds)), 'records/s'],
  );
  out(t.toString());
  out(
    `  ${n0(imp.rows)} FOCUS rows (${n1(imp.bytes / 1024 ** 2)} MB) → ${n0(imp.lines)} billed keys; ` +
      `${n0(a.records)} records → ${n0(a.slices)} slices → ${n0(a.usageRows)} usage rows; ` +
      `${n0(a.billedKeys)} billed keys → ${n0(a.shares)} shares`,
  );
}

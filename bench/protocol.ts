import { z } from 'zod';

/** What the parent asks a worker process to do. Each job runs in a fresh process: its RSS is its own. */
const base = { env: z.record(z.string(), z.string()), trustedCa: z.string() };

export const jobSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('ingest'), ...base, file: z.string() }),
  z.object({ mode: z.literal('floor'), ...base, container: z.string(), file: z.string() }),
  z.object({
    mode: z.literal('core'),
    ...base,
    file: z.string(),
    runs: z.number().int().positive(),
    appIds: z.array(z.string()),
    batchSize: z.number().int().positive(),
  }),
  z.object({ mode: z.literal('refresh'), ...base, runs: z.number().int().positive() }),
]);
export type Job = z.infer<typeof jobSchema>;

const memory = { peakRssMb: z.number(), maxRssMb: z.number(), peakHeapMb: z.number() };

export const ingestResultSchema = z.object({
  seconds: z.number(),
  /** RSS when the measured part starts (modules loaded, clients built): the floor under peakRssMb. */
  baselineRssMb: z.number(),
  /** Heap in use after a forced full GC at the end: growth here with N would be a leak. */
  retainedHeapMb: z.number(),
  read: z.number(),
  totals: z.record(z.string(), z.number()),
  spilled: z.number(),
  graphRequests: z.number(),
  ...memory,
});
export type IngestResult = z.infer<typeof ingestResultSchema>;

const sizeSchema = z.object({ median: z.number(), p95: z.number(), max: z.number(), mean: z.number() });

export const floorResultSchema = z.object({
  seconds: z.number(),
  docs: z.number(),
  created: z.number(),
  /** Bytes Cosmos adds to each stored document (_rid, _self, _etag, _attachments, _ts), measured. */
  storedOverheadBytes: z.number(),
  /** JSON of each document as stored (as written + the overhead). */
  storedBytes: sizeSchema,
  /** JSON of each document as the pipeline wrote it. */
  writtenBytes: sizeSchema,
  ...memory,
});
export type FloorResult = z.infer<typeof floorResultSchema>;

export const coreResultSchema = z.object({
  events: z.number(),
  bytes: z.number(),
  runs: z.array(z.object({ coreSeconds: z.number(), floorSeconds: z.number() })),
  totals: z.record(z.string(), z.number()),
  recordBytes: sizeSchema,
  /** Dirty-marker documents created over one pass (one per batch), and their JSON bytes. */
  markers: z.number(),
  markerBytes: z.number(),
  /** Ingest-ledger documents (and their JSON bytes) upserted over one pass. */
  ledgerDocs: z.number(),
  ledgerBytes: z.number(),
  /** Mean bytes per top-level record field (key and value), largest first. */
  fieldBytes: z.array(z.tuple([z.string(), z.number()])),
  identity: z.record(z.string(), z.number()),
  ...memory,
});
export type CoreResult = z.infer<typeof coreResultSchema>;

export const refreshResultSchema = z.object({
  runs: z.array(
    z.object({
      seconds: z.number(),
      items: z.number(),
      tokenMeters: z.number(),
      created: z.number(),
      unchanged: z.number(),
      requests: z.number(),
    }),
  ),
  /** One catalog download on its own (stand-in filtering included), and the items → documents step. */
  fetchSeconds: z.number(),
  convertSeconds: z.number(),
  /** null when the book is too large for the stand-in's quadratic query to say anything about us. */
  loadSeconds: z.number().nullable(),
  bookRows: z.number(),
  ...memory,
});
export type RefreshResult = z.infer<typeof refreshResultSchema>;

export const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('result'), result: z.unknown() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;

export const parentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: z.unknown() }),
  z.object({ type: z.literal('go') }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

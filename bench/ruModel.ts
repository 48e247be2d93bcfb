/**
 * Estimated request units of a write, after "Understand request units consumption in Azure Cosmos DB"
 * (learn.microsoft.com/azure/cosmos-db/understand-request-unit-consumption): a create costs a
 * size-based part (the page's write column, one region) plus 0.2 RU per indexed term. Illustrative:
 * the page says real charges change over time,
 * so measure x-ms-request-charge against a real account before provisioning on these numbers.
 */
const WRITE_RU_BY_KB: readonly (readonly [number, number])[] = [
  [1, 4.95],
  [2, 6.29],
  [4, 6.67],
  [8, 7.04],
  [16, 9.52],
  [32, 11.23],
  [64, 22.67],
  [128, 48.19],
  [256, 98.29],
  [512, 184.57],
  [1024, 625],
  [2048, 1250],
];
export const RU_PER_INDEXED_TERM = 0.2;

/** Size-based part of a write: the table, linear between its points; ≤1 KB costs the 1 KB figure. */
export function writeRuForSize(bytes: number): number {
  const kb = bytes / 1024;
  let previous = WRITE_RU_BY_KB[0] ?? [1, 4.95];
  if (kb <= previous[0]) return previous[1];
  for (const point of WRITE_RU_BY_KB.slice(1)) {
    if (kb <= point[0])
      return previous[1] + ((kb - previous[0]) / (point[0] - previous[0])) * (point[1] - previous[1]);
    previous = point;
  }
  return (previous[1] * kb) / previous[0];
}

export function createRu(bytes: number, indexedTerms: number): number {
  return writeRuForSize(bytes) + RU_PER_INDEXED_TERM * indexedTerms;
}

/** Terms a usage record adds: one per included path of CONTAINERS.usage (null values are indexed too). */
export function indexedTermsOf(includedPaths: readonly { readonly path: string }[] | undefined): number {
  return includedPaths?.length ?? 0;
}

export interface RuEstimate {
  readonly indexedTerms: number;
  readonly recordCreate: number;
  /** One dirty marker per batch, listing its app-days: a create with one indexed term (docType). */
  readonly markerCreate: number;
  readonly markersPerEvent: number;
  /** One ingest-ledger document per batch and day: a new id each time, so a create (docType, day indexed). */
  readonly ledgerWrite: number;
  readonly ledgerDocsPerEvent: number;
  readonly perEvent: number;
}

export interface RuInputs {
  readonly recordBytes: number;
  readonly indexedTerms: number;
  readonly markersPerEvent: number;
  readonly markerBytes: number;
  readonly ledgerDocsPerEvent: number;
  readonly ledgerBytes: number;
}

export function estimateRu(inputs: RuInputs): RuEstimate {
  const recordCreate = createRu(inputs.recordBytes, inputs.indexedTerms);
  const markerCreate = inputs.markersPerEvent > 0 ? createRu(inputs.markerBytes, 1) : 0;
  const ledgerWrite = inputs.ledgerDocsPerEvent > 0 ? createRu(inputs.ledgerBytes, 2) : 0;
  return {
    indexedTerms: inputs.indexedTerms,
    recordCreate,
    markerCreate,
    markersPerEvent: inputs.markersPerEvent,
    ledgerWrite,
    ledgerDocsPerEvent: inputs.ledgerDocsPerEvent,
    perEvent: recordCreate + inputs.markersPerEvent * markerCreate + inputs.ledgerDocsPerEvent * ledgerWrite,
  };
}

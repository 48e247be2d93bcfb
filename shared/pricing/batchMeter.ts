// Batch meters (`gpt-4o-0806-Batch-Outp-glbl`, `gpt 4o mini0718 BatchOutp DataZone`) price the Batch
// API: about half the standard rate. classifyMeter() keeps them away from standard requests; the book
// holds them under a family of their own, which only a deployment the inventory knows as batch asks for.

import { classifyMeter, type MeterFields } from './meterName.js';
import type { MeterClassification } from './types.js';

/** The book's family for batch meters of `family`: a space never occurs in a normalized family. */
export function batchFamily(family: string): string {
  return `${family} batch`;
}

/**
 * A meter as the price book keeps it: a standard token meter as classifyMeter() reads it, or a batch
 * meter whose name, without the word `Batch`, reads as a token meter (family renamed by batchFamily()).
 */
export function classifyBookMeter(item: MeterFields): MeterClassification {
  const standard = classifyMeter(item);
  if (standard.priced || standard.reason !== 'batch meter') return standard;
  const unbatched = classifyMeter({ ...item, meterName: item.meterName.replace(/batch[\s-]?/i, '') });
  if (!unbatched.priced) return standard;
  return { priced: true, meter: { ...unbatched.meter, family: batchFamily(unbatched.meter.family) } };
}

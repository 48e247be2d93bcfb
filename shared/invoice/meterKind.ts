/**
 * Which Azure OpenAI meters the bill reconciliation keeps, from the meter name (FOCUS `SkuMeter`,
 * `x_SkuMeterName` in 1.0; the Retail `meterName`). Names come from the Retail catalog, e.g.
 * `gpt-4o-0806-Inp-glbl Tokens`, `Image-Dall-E-3 Std LowRes-regnl EP Images`,
 * `Provisioned Managed Global Unit`, `gpt-4.1-ft hosting global Unit`.
 */
export type MeterKind = 'tokens' | 'images' | 'provisioned' | 'ftHosting';

export function meterKind(meterName: string): MeterKind | undefined {
  const name = meterName.trim().toLowerCase();
  if (/^provisioned (managed|throughput)\b/.test(name)) return 'provisioned';
  if (/-ft hosting\b/.test(name)) return 'ftHosting';
  if (name.endsWith(' tokens')) return 'tokens';
  if (name.endsWith(' images')) return 'images';
  return undefined;
}

/** Capacity meters are charged per hour whatever the traffic: they are shared out by use, not matched. */
export function isCapacity(kind: MeterKind): boolean {
  return kind === 'provisioned' || kind === 'ftHosting';
}

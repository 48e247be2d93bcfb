const DAY_MS = 86_400_000;

const msOf = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Days in a period, `from` and `to` inclusive (UTC days): 2026-11-01..2026-11-30 is 30. */
export function periodDays(from: string, to: string): number {
  return Math.round((msOf(to) - msOf(from)) / DAY_MS) + 1;
}

export function addDays(day: string, days: number): string {
  return dayOf(msOf(day) + days * DAY_MS);
}

/** The period of the same length that ends the day before `from`: what `--compare previous` reads. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const length = periodDays(from, to);
  return { from: addDays(from, -length), to: addDays(from, -1) };
}

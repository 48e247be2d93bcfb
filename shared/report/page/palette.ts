/**
 * Tableau 10: distinct in print and for the common colour-vision deficiencies, readable on white.
 * Grey is kept for "(none)" and "Other" so they never look like a real business unit.
 */
const COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
] as const;

export const NEUTRAL = '#a0a4a8';
export const OTHER_COLOUR = '#6f7479';
/** At most this many series get their own colour; the rest are summed as "Other". */
export const MAX_SERIES = COLOURS.length;

export function seriesColour(index: number): string {
  return COLOURS[index % COLOURS.length] ?? NEUTRAL;
}

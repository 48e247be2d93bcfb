import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real payloads of the APIs we talk to (Retail Prices, Graph, Azure OpenAI usage), each with a
 * `*.src.txt` note on where it came from. Kept inside the repository so `npm test` needs nothing else.
 */
export const API_SHAPES_DIR = fileURLToPath(new URL('../fixtures/api-shapes/', import.meta.url));

export function apiShapePath(file: string): string {
  return path.join(API_SHAPES_DIR, file);
}

export function readApiShape(file: string): unknown {
  return JSON.parse(readFileSync(apiShapePath(file), 'utf8'));
}

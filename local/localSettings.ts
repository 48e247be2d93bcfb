import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEMO_DEPLOYMENTS } from './demoDirectory.js';
import type { LocalStack } from './stack.js';

/** A file of the repository's samples/, from dist/<dir>/ (npm scripts) or <dir>/ (tests run the source). */
export function sampleFile(name: string): string {
  const candidates = ['../', '../../'].map((up) =>
    fileURLToPath(new URL(`${up}samples/${name}`, import.meta.url)),
  );
  return candidates.find((file) => existsSync(file)) ?? (candidates[1] as string);
}

/**
 * Writes the stand-ins' certificate to `certFile` and returns every setting another process needs
 * to use the stack: the CLI (which reads CHARGEBACK_TRUSTED_CA_FILE) or `func start`.
 */
export function settingsForStack(stack: LocalStack, certFile: string): Record<string, string> {
  const absolute = path.resolve(certFile);
  mkdirSync(path.dirname(absolute), { recursive: true });
  writeFileSync(absolute, stack.trustedCa);
  return {
    ...stack.env,
    DEPLOYMENTS: JSON.stringify(DEMO_DEPLOYMENTS),
    CHARGEBACK_TRUSTED_CA_FILE: absolute,
  };
}

/** `export NAME='value'` lines, for a POSIX shell to paste or `eval`. */
export function exportLines(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).map(
    ([name, value]) => `export ${name}='${value.replaceAll("'", `'\\''`)}'`,
  );
}

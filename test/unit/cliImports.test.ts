import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every repository module a TypeScript entry point reaches through static and dynamic imports. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [path.join(root, entry)];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      if (specifier === undefined) continue;
      queue.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return new Set([...seen].map((file) => path.relative(root, file).split(path.sep).join('/')));
}

/** A registration module calls `app.http/timer/eventHub(...)`: outside the host that prints a warning. */
const registers = (file: string) =>
  /\bapp\.(http|timer|eventHub|generic)\(/.test(readFileSync(path.join(root, file), 'utf8'));

describe('the CLI, the demo and the local runner do not register functions', () => {
  it.each(['cli/main.ts', 'demo/main.ts'])('%s imports no module that calls app.*()', (entry) => {
    const modules = [...reachable(entry)];
    expect(modules.length).toBeGreaterThan(5);
    expect(modules.filter(registers)).toEqual([]);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { z } from 'zod';

/**
 * Summarises V8 CPU profiles (`node --cpu-prof --cpu-prof-dir=DIR dist/bench/main.js …`; the bench's
 * worker processes inherit the flag, so each phase gets its own file):
 *   node dist/bench/profileTop.js DIR-or-FILE [--top N]
 * Prints, per profile, the functions with the most self time and the most total (inclusive) time.
 */
const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type Profile = z.infer<typeof profileSchema>;

const root = process.cwd();

function label(frame: Profile['nodes'][number]['callFrame']): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const path = frame.url.startsWith('file://') ? relative(root, new URL(frame.url).pathname) : frame.url;
  return `${name}  ${path}:${frame.lineNumber + 1}`;
}

export function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (node === undefined) return;
    all += dt;
    const name = label(node.callFrame);
    if (node.callFrame.functionName === '(idle)') idle += dt;
    self.set(name, (self.get(name) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame === undefined) break;
      const key = label(frame.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
  });
  const ms = (us: number) =>
    `${(us / 1000).toFixed(0).padStart(7)} ms ${((us * 100) / all).toFixed(1).padStart(5)}%`;
  const list = (map: Map<string, number>, skip: (name: string) => boolean) =>
    [...map.entries()]
      .filter(([name]) => !skip(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `  ${ms(us)}  ${name}`)
      .join('\n');
  const structural = (name: string) => /^\((root|program|idle|garbage collector)\)/.test(name);
  return [
    `sampled ${(all / 1e6).toFixed(2)} s, idle ${((idle * 100) / Math.max(1, all)).toFixed(0)}%, GC ${ms(self.get('(garbage collector)') ?? 0).trim()}`,
    `self time:`,
    list(self, (name) => name.startsWith('(idle)') || name.startsWith('(root)')),
    `total time:`,
    list(total, structural),
  ].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt === -1 ? 25 : Number(args[topAt + 1] ?? 25);
  const target = args.find((arg, i) => !arg.startsWith('--') && (topAt === -1 || i !== topAt + 1));
  if (target === undefined) {
    process.stderr.write('usage: node dist/bench/profileTop.js <dir|file.cpuprofile> [--top N]\n');
    process.exitCode = 2;
    return;
  }
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((name) => name.endsWith('.cpuprofile'))
        .sort()
        .map((name) => join(target, name))
    : [target];
  for (const file of files) {
    const profile = profileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    process.stdout.write(`\n== ${file}\n${summarise(profile, top)}\n`);
  }
}

main();

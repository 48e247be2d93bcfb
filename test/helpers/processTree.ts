import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const REGISTER = fileURLToPath(new URL('./tsNode/register.mjs', import.meta.url));

/**
 * Starts a repository TypeScript entry point the way `npm run` starts a script: through `sh -c`,
 * which (dash) does not pass a SIGTERM on to its child.
 */
export function spawnThroughShell(
  entry: string,
  args: readonly string[],
  cwd: string,
): ChildProcessWithoutNullStreams {
  const script = fileURLToPath(new URL(`../../${entry}`, import.meta.url));
  const command = [
    process.execPath,
    '--experimental-transform-types',
    '--no-warnings',
    '--import',
    REGISTER,
    script,
    ...args,
  ]
    .map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`)
    .join(' ');
  return spawn('sh', ['-c', command], { cwd, stdio: 'pipe' });
}

/** `export NAME='value'` lines a runner printed, as settings. */
export function printedSettings(stdout: string): Record<string, string> {
  return Object.fromEntries(
    [...stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map(([, name, value]) => [name ?? '', value ?? '']),
  );
}

export const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });

export function descendants(root: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    for (const [child, parent] of rows) {
      if (parent !== pid) continue;
      queue.push(child);
      found.push(child);
    }
  }
  return found;
}

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}

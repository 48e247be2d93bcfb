import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const REGISTER = fileURLToPath(new URL('./tsNode/register.mjs', import.meta.url));

/** Starts a repository TypeScript entry point (e.g. `cli/main.ts`) as its own Node 22 process. */
export function spawnTs(
  entry: string,
  args: readonly string[],
  options: { readonly env: Record<string, string | undefined>; readonly cwd: string },
): ChildProcess {
  return spawn(
    process.execPath,
    ['--experimental-transform-types', '--no-warnings', '--import', REGISTER, repo(entry), ...args],
    { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `chargeback <args>` as a user would: its own process, settings from `env` only (PATH and
 * HOME kept), in `cwd` (so no stray local.settings.json is read).
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
  stdin?: string,
): Promise<CliRun> {
  const child = spawnTs('cli/main.ts', args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin?.end(stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

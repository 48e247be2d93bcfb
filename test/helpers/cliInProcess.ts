import { Command } from 'commander';
import { vi } from 'vitest';

// A function, so TypeScript does not narrow process.exitCode to the 0 assigned before the command ran.
const exitCode = (): number => Number(process.exitCode ?? 0);

/**
 * Runs `chargeback <args>` in-process with the given commands registered, as cli/main.ts would, and
 * returns its exit code and standard output.
 */
export async function runCommands(
  register: readonly ((program: Command) => void)[],
  args: readonly string[],
): Promise<{ code: number; out: string }> {
  const program = new Command('chargeback').exitOverride();
  for (const add of register) add(program);
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'chargeback', ...args]);
  } finally {
    spy.mockRestore();
  }
  const code = exitCode();
  process.exitCode = 0;
  return { code, out: out.join('') };
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '../../local/freePort.js';
import {
  alive,
  descendants,
  listening,
  printedSettings,
  spawnThroughShell,
  until,
} from '../helpers/processTree.js';
import { runCli, spawnTs } from '../helpers/spawnTs.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-local-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Four consecutive free ports, for `--port-base` (the fixed defaults may be in use on a developer's machine). */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base > 65_000) continue;
    const taken = await Promise.all([1, 2, 3].map((i) => listening(base + i)));
    if (!taken.includes(true)) return base;
  }
}

describe('npm run local', () => {
  it('prints settings a CLI command works with, and SIGTERM to npm’s shell stops every process and port', async () => {
    const base = await freeBase();
    const cert = path.join(dir, 'cert.pem');
    // As `npm run local` starts it: through `sh -c`, which does not pass a SIGTERM on to its child.
    const shell = spawnThroughShell(
      'local/runLocal.ts',
      ['--port-base', String(base), '--cert-file', cert],
      dir,
    );
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => shell.once('close', resolve));
    try {
      await until(() => stdout.includes('Then, for example:') || shell.exitCode !== null, 'the settings');
      expect(stderr).toBe('');
      const settings = printedSettings(stdout);
      expect(settings).toMatchObject({
        COSMOS_ENDPOINT: `https://127.0.0.1:${base}/`,
        GRAPH_BASE_URL: `https://127.0.0.1:${base + 1}`,
        RETAIL_PRICES_URL: `https://127.0.0.1:${base + 2}/api/retail/prices`,
        CHARGEBACK_TRUSTED_CA_FILE: cert,
      });
      expect(settings.AzureWebJobsStorage).toContain(
        `BlobEndpoint=http://127.0.0.1:${base + 3}/devstoreaccount1;`,
      );
      expect(readFileSync(cert, 'utf8')).toContain('BEGIN CERTIFICATE');

      const refresh = await runCli(['prices', 'refresh'], settings, dir);
      expect(refresh.stderr).not.toContain('chargeback:');
      expect(refresh.stdout).toMatch(/\d+ token meters/);
      expect(refresh.code).toBe(0);
      const audit = await runCli(['audit', '--from', '2025-06-01', '--to', '2025-06-01'], settings, dir);
      expect(audit.code).toBe(0); // Azurite answers: no spills, nothing seen, balanced

      const tree = descendants(shell.pid ?? -1);
      expect(tree.length).toBeGreaterThanOrEqual(2); // the runner and Azurite
      shell.kill('SIGTERM');
      await closed;
      await until(() => tree.every((pid) => !alive(pid)), `processes ${tree.join(', ')} to exit`);
      for (const port of [base, base + 1, base + 2, base + 3]) expect(await listening(port)).toBe(false);
      expect(stdout).toContain('Stopping (parent exited).');
    } finally {
      if (shell.exitCode === null) shell.kill('SIGKILL');
    }
  });

  it('fails with a clear error, exit 4, when a fixed port is taken, and leaves nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const child = spawnTs(
        'local/runLocal.ts',
        ['--port-base', String(port), '--cert-file', path.join(dir, 'c2.pem')],
        {
          env: { PATH: process.env.PATH },
          cwd: dir,
        },
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(stderr).toContain(`127.0.0.1:${port}`);
      expect(stderr).toContain('--port-base');
      expect(code).toBe(4);
      for (const p of [port + 1, port + 2, port + 3]) expect(await listening(p)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

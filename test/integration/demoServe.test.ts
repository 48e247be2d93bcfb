import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  alive,
  descendants,
  listening,
  printedSettings,
  spawnThroughShell,
  until,
} from '../helpers/processTree.js';
import { runCli } from '../helpers/spawnTs.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'chargeback-demo-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run demo -- --serve', () => {
  it('prints settings with the certificate, and stops (no orphan server) when npm’s shell gets SIGTERM', async () => {
    const shell = spawnThroughShell('demo/main.ts', ['--serve'], dir);
    let stdout = '';
    shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    shell.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const closed = new Promise((resolve) => shell.once('close', resolve));
    try {
      await until(() => stdout.includes('Serving until Ctrl-C.') || shell.exitCode !== null, 'the demo');
      expect(stdout).not.toContain('WARNING: Failed to detect the Azure Functions runtime');
      const settings = printedSettings(stdout);
      expect(settings.CHARGEBACK_TRUSTED_CA_FILE).toBe(path.join(dir, '.local', 'demo-cert.pem'));
      const report = await runCli(['report', '--from', '2026-01-01', '--to', '2026-12-31'], settings, dir);
      expect(report.stdout).toContain('HR Assistant');
      expect(report.code).toBe(0);

      const page = /^Chargeback page: (http:\/\/127\.0\.0\.1:(\d+)\/\S+)$/m.exec(stdout);
      const cosmosPort = Number(new URL(settings.COSMOS_ENDPOINT ?? '').port);
      const frontPort = Number(page?.[2]);
      expect(await listening(frontPort)).toBe(true);
      const tree = descendants(shell.pid ?? -1);
      shell.kill('SIGTERM');
      await closed;
      await until(() => tree.every((pid) => !alive(pid)), `processes ${tree.join(', ')} to exit`);
      expect(await listening(frontPort)).toBe(false);
      expect(await listening(cosmosPort)).toBe(false);
    } finally {
      if (shell.exitCode === null) shell.kill('SIGKILL');
    }
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { loadSettings } from '../../../shared/config.js';
import { processBatch } from '../../../shared/pipeline/processBatch.js';
import { seedV1Event } from '../../helpers/seedEvent.js';
import { fakePorts } from '../fuzz/fakePorts.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';

describe('EVENT_TIME_CULTURE setting', () => {
  it('defaults to en-US and accepts en-GB and invariant', () => {
    expect(loadSettings({}).EVENT_TIME_CULTURE).toBe('en-US');
    for (const culture of ['en-US', 'en-GB', 'invariant'] as const) {
      expect(loadSettings({ EVENT_TIME_CULTURE: culture }).EVENT_TIME_CULTURE).toBe(culture);
    }
  });

  it('refuses anything else with a clear error naming the setting and the choices', () => {
    expect(() => loadSettings({ EVENT_TIME_CULTURE: 'fr-FR' })).toThrow(
      /EVENT_TIME_CULTURE: must be one of en-US, en-GB, invariant/,
    );
  });

  it('is documented in the README settings table and local.settings.sample.json', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toMatch(/\| `EVENT_TIME_CULTURE`\s*\|.*en-GB.*invariant/);
    const sample = JSON.parse(readFileSync(path.join(repoRoot, 'local.settings.sample.json'), 'utf8')) as {
      Values: Record<string, string>;
    };
    expect(sample.Values.EVENT_TIME_CULTURE).toBe('en-US');
  });

  it('reaches the pipeline: the same v1 batch lands on 6 July (en-US) or 7 June (en-GB)', async () => {
    const body = seedV1Event(APP, { 'event-time': '7/6/2025 15:45:12', 'message-id': undefined });
    const days: Record<string, string[]> = {};
    for (const culture of ['en-US', 'en-GB'] as const) {
      const ports = {
        ...fakePorts(),
        eventTimeCulture: loadSettings({ EVENT_TIME_CULTURE: culture }).EVENT_TIME_CULTURE,
      };
      await processBatch(
        [body, JSON.stringify({ ...body, 'event-time': '25/6/2025 10:00:00' })],
        [{ kind: 'file' }, { kind: 'file' }],
        ports,
      );
      days[culture] = [...ports.records.values()].map((r) => r.eventTime);
      days[`${culture} dead`] = [...ports.deadLetters.values()].map((d) => d.reasons[0]?.path ?? '');
    }
    expect(days['en-US']).toEqual(['2025-07-06T15:45:12.000Z']);
    expect(days['en-US dead']).toEqual(['event-time']);
    expect(days['en-GB']?.sort()).toEqual(['2025-06-07T15:45:12.000Z', '2025-06-25T10:00:00.000Z']);
    expect(days['en-GB dead']).toEqual([]);
  });
});

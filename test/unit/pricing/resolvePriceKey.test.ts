import { describe, expect, it } from 'vitest';

import type { DeploymentEntry } from '../../../shared/config.js';
import { repriceFingerprint } from '../../../shared/pricing/repriceFingerprint.js';
import {
  resolvePriceKey,
  resolvePriceKeyWithSources,
  type PriceKeySettings,
} from '../../../shared/pricing/resolvePriceKey.js';
import { testUsage as usage } from '../../helpers/usage.js';

const settings = (deployments: Record<string, DeploymentEntry> = {}): PriceKeySettings => ({
  deployments,
  defaultRegion: 'eastus',
  defaultDeploymentType: 'global',
});

describe('resolvePriceKey', () => {
  it('takes every part from the event when it has them', () => {
    const key = resolvePriceKey(
      usage({ deployment: 'd', deploymentType: 'datazone', region: 'swedencentral' }),
      settings({
        d: { model: 'gpt-4o-mini', version: '0718', deploymentType: 'regional', region: 'westus' },
      }),
    );
    expect(key).toEqual({
      family: 'gpt-4o',
      version: '0806',
      deploymentType: 'datazone',
      region: 'swedencentral',
    });
  });

  it('falls back to the defaults', () => {
    expect(resolvePriceKey(usage({}), settings())).toEqual({
      family: 'gpt-4o',
      version: '0806',
      deploymentType: 'global',
      region: 'eastus',
    });
    expect(
      resolvePriceKey(usage({ model: 'gpt-4o' }), {
        deployments: {},
        defaultRegion: 'westeurope',
        defaultDeploymentType: 'datazone',
      }),
    ).toEqual({ family: 'gpt-4o', version: null, deploymentType: 'datazone', region: 'westeurope' });
  });

  it('reads the version from a date suffix or an MMDD suffix, and drops context markers', () => {
    const key = (model: string) => resolvePriceKey(usage({ model }), settings());
    expect(key('gpt-4o-mini-2024-07-18')).toMatchObject({ family: 'gpt-4o-mini', version: '0718' });
    expect(key('gpt-35-turbo-16k-0613')).toMatchObject({ family: 'gpt-35-turbo', version: '0613' });
    expect(key('gpt-5-mini-2025-08-07')).toMatchObject({ family: 'gpt-5-mini', version: '0807' });
    expect(key('o1-2024-12-17')).toMatchObject({ family: 'o1', version: '1217' });
    expect(key('gpt-4.1')).toMatchObject({ family: 'gpt-4.1', version: null });
    expect(key('text-embedding-3-large')).toMatchObject({ family: 'text-embedding-3-large', version: null });
    expect(key('ada')).toMatchObject({ family: 'text-embedding-ada-002', version: null });
  });

  it('DEPLOYMENTS by deployment name names the model behind an alias', () => {
    const key = resolvePriceKey(
      usage({ model: 'prod-chat', deployment: 'prod-chat' }),
      settings({
        'prod-chat': { model: 'gpt-4o-2024-08-06', deploymentType: 'datazone', region: 'eastus2' },
      }),
    );
    expect(key).toEqual({ family: 'gpt-4o', version: '0806', deploymentType: 'datazone', region: 'eastus2' });
  });

  it('a logged model name wins over the model a deployment entry names', () => {
    const key = resolvePriceKey(
      usage({ model: 'gpt-4o-mini-2024-07-18', deployment: 'chat' }),
      settings({ chat: { model: 'gpt-4o', version: '0806' } }),
    );
    expect(key).toMatchObject({ family: 'gpt-4o-mini', version: '0718' });
  });

  it('a deployment entry’s version settles a versionless logged model; the entry’s version beats its model’s', () => {
    const key = (deployments: Record<string, DeploymentEntry>) =>
      resolvePriceKey(usage({ model: 'gpt-4o', deployment: 'chat' }), settings(deployments));
    expect(key({ chat: { version: '1120' } })).toMatchObject({ family: 'gpt-4o', version: '1120' });
    expect(key({ chat: { model: 'gpt-4o-2024-05-13' } })).toMatchObject({
      family: 'gpt-4o',
      version: '0513',
    });
    expect(key({ chat: { model: 'gpt-4o-2024-05-13', version: '1120' } })).toMatchObject({ version: '1120' });
  });

  it('DEPLOYMENTS by logged model name applies after the deployment entry, part by part', () => {
    const deployments = {
      chat: { region: 'westus3' },
      'gpt-4o': { version: '0806', deploymentType: 'datazone' as const, region: 'eastus2' },
    };
    expect(resolvePriceKey(usage({ model: 'gpt-4o', deployment: 'chat' }), settings(deployments))).toEqual({
      family: 'gpt-4o',
      version: '0806',
      deploymentType: 'datazone',
      region: 'westus3',
    });
    // A v1 event has no deployment: the model entry alone.
    expect(resolvePriceKey(usage({ schema: 'v1', model: 'gpt-4o' }), settings(deployments))).toEqual({
      family: 'gpt-4o',
      version: '0806',
      deploymentType: 'datazone',
      region: 'eastus2',
    });
  });

  it('reads only the map’s own keys: a deployment named like an Object property is not an entry', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(resolvePriceKey(usage({ model: 'gpt-4o', deployment: name }), settings())).toEqual({
        family: 'gpt-4o',
        version: null,
        deploymentType: 'global',
        region: 'eastus',
      });
    }
  });

  it('says where each part came from: the event, DEPLOYMENTS or the default', () => {
    const sources = (
      fields: Parameters<typeof usage>[0],
      deployments: Record<string, DeploymentEntry> = {},
    ) => resolvePriceKeyWithSources(usage(fields), settings(deployments)).sources;
    expect(sources({ deploymentType: 'datazone', region: 'swedencentral' })).toEqual({
      model: 'event',
      version: 'event',
      deploymentType: 'event',
      region: 'event',
    });
    // The case: a v2 event to `chat-dz` without a type, before and after the mapping.
    expect(sources({ deployment: 'chat-dz' })).toEqual({
      model: 'event',
      version: 'event',
      deploymentType: 'default',
      region: 'default',
    });
    expect(sources({ deployment: 'chat-dz' }, { 'chat-dz': { deploymentType: 'datazone' } })).toEqual({
      model: 'event',
      version: 'event',
      deploymentType: 'map',
      region: 'default',
    });
    // An alias names no model: the map's model (and its version), else the name as-is, by default.
    expect(
      sources(
        { model: 'prod-chat', deployment: 'prod-chat' },
        { 'prod-chat': { model: 'gpt-4o-2024-08-06' } },
      ),
    ).toMatchObject({ model: 'map', version: 'map' });
    expect(sources({ model: 'prod-chat', deployment: 'prod-chat' })).toMatchObject({
      model: 'default',
      version: 'default',
    });
  });
});

describe('repriceFingerprint', () => {
  const base = { ...settings({ chat: { deploymentType: 'datazone', region: 'eastus2' } }), currency: 'USD' };

  it('changes with DEPLOYMENTS, the defaults or the book, and not with the order of keys', () => {
    const fp = repriceFingerprint(base, 'book-1');
    expect(fp.key).toMatch(/^k[0-9a-f]{16}$/);
    expect(fp.book).toMatch(/^b[0-9a-f]{16}$/);
    expect(
      repriceFingerprint(
        { ...base, deployments: { chat: { region: 'eastus2', deploymentType: 'datazone' } } },
        'book-1',
      ),
    ).toEqual(fp);
    expect(repriceFingerprint({ ...base, deployments: {} }, 'book-1').key).not.toBe(fp.key);
    expect(repriceFingerprint({ ...base, defaultRegion: 'westus' }, 'book-1').key).not.toBe(fp.key);
    const newBook = repriceFingerprint(base, 'book-2');
    expect(newBook.key).toBe(fp.key);
    expect(newBook.book).not.toBe(fp.book);
    expect(repriceFingerprint(base, null).book).toBeNull();
  });
});

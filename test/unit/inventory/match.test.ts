import { describe, expect, it } from 'vitest';

import { indexInventory } from '../../../shared/inventory/match.js';
import { testAccount, testDeployment } from '../../helpers/inventory.js';

const east = testAccount('aoai-east', [testDeployment('chat'), testDeployment('shared')], {
  hosts: ['aoai-east.openai.azure.com', 'aoai-east.cognitiveservices.azure.com'],
  customSubDomain: 'contoso-east',
});
const west = testAccount('aoai-west', [testDeployment('Batch'), testDeployment('shared')]);
const index = indexInventory([east, west]);

describe('matching an event to a deployment', () => {
  it('goes backend host → account → deployment, whatever the backend URL carries', () => {
    const result = index.match({
      backend: 'https://AOAI-EAST.openai.azure.com/openai',
      deployment: 'shared',
    });
    expect(result).toMatchObject({ matched: true, by: 'backend', account: { name: 'aoai-east' } });
    const other = index.match({ backend: 'aoai-east.cognitiveservices.azure.com', deployment: 'chat' });
    expect(other).toMatchObject({
      matched: true,
      account: { name: 'aoai-east' },
      deployment: { name: 'chat' },
    });
  });

  it('recognises the custom subdomain on any host below it (e.g. a private link name)', () => {
    const result = index.match({
      backend: 'https://contoso-east.privatelink.openai.azure.com/',
      deployment: 'chat',
    });
    expect(result).toMatchObject({ matched: true, account: { name: 'aoai-east' } });
  });

  it('says why when the backend is known but the deployment is not, or the host is unknown', () => {
    expect(index.match({ backend: 'aoai-east.openai.azure.com', deployment: 'Batch' })).toEqual({
      matched: false,
      reason: 'account aoai-east has no deployment "Batch"',
    });
    expect(index.match({ backend: 'elsewhere.openai.azure.com', deployment: 'chat' })).toEqual({
      matched: false,
      reason: 'backend host elsewhere.openai.azure.com is no inventoried account',
    });
  });

  it('matches by name alone without a backend when exactly one account has the deployment', () => {
    expect(index.match({ backend: null, deployment: 'chat' })).toMatchObject({
      matched: true,
      by: 'name',
      account: { name: 'aoai-east' },
    });
    expect(index.match({ backend: null, deployment: 'batch' })).toMatchObject({
      matched: true,
      deployment: { name: 'Batch' },
    });
  });

  it('refuses an ambiguous name and an unknown one, each with its reason', () => {
    expect(index.match({ backend: null, deployment: 'shared' })).toEqual({
      matched: false,
      reason: 'deployment "shared" is ambiguous without a backend: accounts aoai-east, aoai-west all have it',
    });
    expect(index.match({ backend: null, deployment: 'nope' })).toEqual({
      matched: false,
      reason: 'no inventoried account has deployment "nope"',
    });
    expect(index.match({ backend: null, deployment: null })).toEqual({
      matched: false,
      reason: 'the event names no deployment',
    });
  });

  it('refuses a backend host that several accounts list', () => {
    const shared = 'eastus.api.cognitive.microsoft.com';
    const a = testAccount('legacy-a', [testDeployment('chat')], { hosts: [shared] });
    const b = testAccount('legacy-b', [testDeployment('chat')], { hosts: [shared] });
    expect(indexInventory([a, b]).match({ backend: `https://${shared}/`, deployment: 'chat' })).toEqual({
      matched: false,
      reason: `backend host ${shared} is shared by accounts legacy-a, legacy-b`,
    });
  });
});

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

describe('README.md', () => {
  it('says at its top what has and has not run against Azure itself', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const top = readme.slice(0, readme.indexOf('\n## '));
    expect(top).toContain('What has run against Azure itself');
    expect(top).toMatch(/Bicep[\s\S]*APIM policies have\s+> never been deployed/);
    expect(top).toMatch(/No event has been sent to a\s+> live Event Hub/);
    expect(top).toContain('local stand-ins');
  });
});

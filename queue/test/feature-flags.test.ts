import { describe, expect, it } from 'vitest';
import { FEATURES, isFeatureEnabled, listFeatures, requireFeature } from '../src/feature-flags.js';

describe('feature flags', () => {
  it('are off when unset and on for the documented words, in any case', () => {
    expect(isFeatureEnabled('events', {})).toBe(false);
    for (const word of ['1', 'true', 'ON', 'Yes', ' on ']) {
      expect(isFeatureEnabled('events', { JOBFORGE_EVENTS_ENABLED: word })).toBe(true);
    }
    for (const word of ['0', 'false', 'off', 'no', '']) {
      expect(isFeatureEnabled('events', { JOBFORGE_EVENTS_ENABLED: word })).toBe(false);
    }
  });

  it('refuse a value that is neither on nor off, naming the variable', () => {
    expect(() => isFeatureEnabled('triggers', { JOBFORGE_TRIGGERS_ENABLED: 'enabled?' })).toThrow(
      expect.objectContaining({ code: 'INVALID_FEATURE_FLAG', where: 'JOBFORGE_TRIGGERS_ENABLED' }),
    );
  });

  it('requireFeature throws FEATURE_DISABLED with the variable to set', () => {
    expect(() => requireFeature('runs', {})).toThrow(
      expect.objectContaining({ code: 'FEATURE_DISABLED', where: 'JOBFORGE_RUNS_ENABLED' }),
    );
    expect(() => requireFeature('runs', { JOBFORGE_RUNS_ENABLED: '1' })).not.toThrow();
  });

  it('listFeatures reports every feature once, with broken values as errors', () => {
    const list = listFeatures({ JOBFORGE_AUDIT_ENABLED: '1', JOBFORGE_API_ENABLED: 'maybe' });
    expect(list.map((f) => f.name)).toEqual(Object.keys(FEATURES));
    expect(list.find((f) => f.name === 'audit')?.enabled).toBe(true);
    expect(list.find((f) => f.name === 'api')?.error).toMatch(/JOBFORGE_API_ENABLED/);
  });
});

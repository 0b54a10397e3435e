import { describe, expect, it } from 'vitest';
import { comparisonRows } from '../../src-shared/compare-rows';
import { methodCatalog, parseMethodChoice } from '../../src-main/engine/methods/registry';

const study = { learningRate: 1e-3, objective: 'classification', sequence: false } as Parameters<typeof parseMethodChoice>[2];
const stored = (id: string, params: Record<string, unknown>) => parseMethodChoice({ id, params, with: [] }, 'methods.0', study).params;

describe('parameters that apply only with another setting', () => {
  it('are left out of a stored run where they did nothing, and kept where they did', () => {
    expect(stored('wiseft', { weighting: 'plain', fisherSamples: 2048 })).not.toHaveProperty('fisherSamples');
    expect(stored('wiseft', { weighting: 'fisher', fisherSamples: 2048 })).toMatchObject({ fisherSamples: 2048 });
    expect(stored('mixcd', { variant: 'estimated' })).not.toHaveProperty('oracleEvery');
    expect(stored('mixcd', { variant: 'estimated' })).not.toHaveProperty('oracleSlice');
    expect(stored('mixcd', { variant: 'oracle' })).toMatchObject({ oracleEvery: 100, oracleSlice: 64 });
    expect(stored('mixcd', {})).not.toHaveProperty('lossBins');
    // A list in appliesWhen means any of its values: margin bins serve both margin partitions.
    expect(stored('mixcd', { partition: 'margin', marginBins: 3 })).toMatchObject({ marginBins: 3 });
    expect(stored('mixcd', { partition: 'class-margin', marginBins: 3 })).toMatchObject({ marginBins: 3 });
    expect(stored('mixcd', { partition: 'kmeans', marginBins: 3, clusters: 4 })).not.toHaveProperty('marginBins');
    expect(stored('mixcd', { partition: 'kmeans', clusters: 4 })).toMatchObject({ clusters: 4 });
    expect(stored('mixcd', { partition: 'loss', clusters: 4 })).not.toHaveProperty('clusters');
    expect(stored('linear-probe', { headOnly: true, freezeLayers: 2 })).not.toHaveProperty('freezeLayers');
    expect(stored('linear-probe', { headOnly: false, freezeLayers: 2 })).toMatchObject({ freezeLayers: 2 });
  });

  it('are declared in the catalog, for forms and scripts', () => {
    const wiseft = methodCatalog().find((m) => m.id === 'wiseft')!;
    expect(wiseft.params.properties.fisherSamples.appliesWhen).toEqual({ weighting: 'fisher' });
  });

  it('never name a seed group that did not use them (the issue’s "fisherSamples=1024" on a plain WiSE-FT row)', () => {
    const run = (id: string, params: Record<string, unknown>) => ({
      id,
      methodId: 'wiseft',
      methodLabel: 'WiSE-FT interpolation',
      seed: 0,
      config: { method: { id: 'wiseft', params: stored('wiseft', params), with: [] } },
      headline: null,
    });
    const labels = comparisonRows([run('a', { weighting: 'plain' }), run('b', { weighting: 'fisher', fisherSamples: 2048 })]).map((r) => r.label);
    expect(labels[0]).not.toMatch(/fisherSamples/);
    expect(labels[1]).toMatch(/weighting=fisher/);
  });
});

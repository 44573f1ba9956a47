import { describe, expect, it } from 'vitest';
import { sampleFleet } from '../../state/fake-bridge';
import { filterInstances, queryTerms } from './filter';

const fleet = sampleFleet();
const names = (query: string) => filterInstances(fleet, query).map((i) => i.name ?? i.instanceId);

describe('filterInstances', () => {
  it('returns everything for an empty or blank query', () => {
    expect(names('')).toHaveLength(4);
    expect(names('   \u3000 ')).toHaveLength(4);
  });

  it('matches names, ids and IPs case-insensitively', () => {
    expect(names('WEB-PROD')).toEqual(['web-prod-1']);
    expect(names('60003')).toEqual(['ad-dc-1']);
    expect(names('10.0.4.')).toEqual(['batch-runner']);
  });

  it('matches platforms and platform names', () => {
    expect(names('windows')).toEqual(['ad-dc-1']);
    expect(names('ubuntu')).toEqual(['ウェブサーバー東京']);
  });

  it('matches tag keys, values and Key=Value pairs', () => {
    expect(names('Role')).toEqual(['ad-dc-1']);
    expect(names('environment=prod')).toEqual(['web-prod-1', 'ad-dc-1']);
    expect(names('Environment:dev')).toEqual(['batch-runner']);
  });

  it('matches Japanese names and tags, and folds full-width and half-width forms', () => {
    expect(names('東京')).toEqual(['ウェブサーバー東京']);
    expect(names('決済')).toEqual(['ウェブサーバー東京']);
    expect(names('ｳｪﾌﾞ')).toEqual(['ウェブサーバー東京']);
    expect(names('ＷＥＢ－ＰＲＯＤ')).toEqual(['web-prod-1']);
  });

  it('requires every term (AND), split on ASCII and ideographic spaces', () => {
    expect(names('prod linux')).toEqual(['web-prod-1']);
    expect(names('prod\u3000windows')).toEqual(['ad-dc-1']);
    expect(names('prod nothing-like-this')).toEqual([]);
    expect(queryTerms(' a\u3000B ')).toEqual(['a', 'b']);
  });
});

import { describe, expect, it } from 'vitest';
import { parseTagLines } from './PolicyPanel';

describe('tag condition lines', () => {
  it('reads Key=value lists, Japanese keys and wildcards included, merging repeated keys', () => {
    expect(parseTagLines('環境=本番, ステージング\nTeam = web*\n\nTeam=api')).toEqual({
      tags: { 環境: ['本番', 'ステージング'], Team: ['web*', 'api'] },
    });
  });

  it('names the first line that is not Key=value', () => {
    expect(parseTagLines('Env=prod\nmissing-equals\n=novalue')).toEqual({ bad: 'missing-equals' });
    expect(parseTagLines('Env=')).toEqual({ bad: 'Env=' });
  });
});

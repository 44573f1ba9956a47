import { describe, expect, it } from 'vitest';
import { t } from '../catalog';
import { tunnelMessages } from './tunnels';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('tunnel messages', () => {
  it('has a Japanese text for every key, with the same placeholders as the English one', () => {
    const en: Record<string, string> = tunnelMessages.en;
    const ja: Record<string, string | undefined> = tunnelMessages.ja;
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(ja)) expect(placeholders(text ?? ''), key).toEqual(placeholders(en[key]!));
  });

  it('is reachable through the catalog in both languages', () => {
    expect(t('tunnels.status.count.other', { count: 3 })).toBe('3 tunnels');
    expect(t('forward.titleFor', { name: 'ウェブ' }, 'ja')).toBe('ウェブ へポートを転送');
  });
});

import { describe, expect, it } from 'vitest';
import { t } from '../catalog';
import { terminalMessages } from './terminal';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('terminal messages', () => {
  it('has a Japanese text for every key, with the same placeholders as the English one', () => {
    const en: Record<string, string> = terminalMessages.en;
    const ja: Record<string, string | undefined> = terminalMessages.ja;
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(ja)) expect(placeholders(text ?? ''), key).toEqual(placeholders(en[key]!));
  });

  it('is reachable through the catalog in both languages', () => {
    expect(t('session.state.closedExit', { code: 3 })).toBe('Exited (3)');
    expect(t('picker.title', { name: 'ウェブ' }, 'ja')).toBe('ウェブ でセッションを開く');
  });
});

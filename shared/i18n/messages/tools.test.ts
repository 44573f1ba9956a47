import { describe, expect, it } from 'vitest';
import { t } from '../catalog';
import { toolsMessages } from './tools';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('tools messages (doctor panel, policy helper, recordings)', () => {
  it('has a Japanese text for every key, with the same placeholders as the English one', () => {
    const en: Record<string, string> = toolsMessages.en;
    const ja: Record<string, string | undefined> = toolsMessages.ja;
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(ja)) expect(placeholders(text ?? ''), key).toEqual(placeholders(en[key]!));
  });

  it('is reachable through the catalog in both languages', () => {
    expect(t('diagnose.title', { name: 'ウェブ' })).toBe('Connect doctor: ウェブ');
    expect(t('audit.notice.notRecorded', { region: 'us-east-1' }, 'ja')).toContain('us-east-1 のセッションは');
  });
});

import { describe, expect, it } from 'vitest';
import { appMessages } from './app';
import { errorMessages } from './errors';
import { ERROR_CODES } from '../../errors';
import { t } from '../catalog';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each([
  ['app', appMessages],
  ['errors', errorMessages],
] as const)('%s messages', (_name, module) => {
  const en: Record<string, string> = module.en;
  const ja: Record<string, string | undefined> = module.ja;

  it('has a Japanese text for every key, with the same placeholders as the English one', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(ja)) {
      expect(placeholders(text ?? ''), key).toEqual(placeholders(en[key] ?? ''));
    }
  });
});

describe('error messages', () => {
  it('cover every error code in both languages', () => {
    for (const code of ERROR_CODES) {
      expect(t(`error.${code}`, {}, 'en')).not.toBe(`error.${code}`);
      expect(t(`error.${code}`, {}, 'ja')).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    }
  });
});

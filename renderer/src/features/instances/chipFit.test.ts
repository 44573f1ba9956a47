import { describe, expect, it } from 'vitest';
import { chipWidth, fitChips, GAP, MORE_CHIP_WIDTH } from './chipFit';

// 7 px per character: predictable widths without a browser.
const width = (text: string) => Array.from(text).length * 7;
const tag = (key: string, value: string) => ({ key, value });

describe('fitChips (chips that fit whole, from text widths)', () => {
  const tags = [tag('Environment', 'prod'), tag('Team', '決済'), tag('Role', 'web'), tag('担当者', '山田 太郎')];
  const widths = tags.map((t) => chipWidth(t, width));
  const total = widths.reduce((a, b) => a + b, 0) + GAP * (tags.length - 1);

  it('shows every chip when they all fit and nothing is left over', () => {
    expect(fitChips(tags, tags.length, total, width)).toBe(4);
  });

  it('keeps room for "+N" after the last whole chip when chips overflow', () => {
    const room = widths[0]! + GAP + widths[1]! + MORE_CHIP_WIDTH;
    expect(fitChips(tags, tags.length, room, width)).toBe(2);
    expect(fitChips(tags, tags.length, room - 1, width)).toBe(1);
  });

  it('keeps room for "+N" when more tags exist than chips offered, even if the offered ones fit', () => {
    expect(fitChips(tags.slice(0, 2), 4, widths[0]! + GAP + widths[1]!, width)).toBe(1);
  });

  it('counts a chip without value without its value part, and caps a long chip', () => {
    expect(chipWidth(tag('Backup', ''), width)).toBeLessThan(chipWidth(tag('Backup', 'x'), width));
    expect(chipWidth(tag('Description', 'a'.repeat(200)), width)).toBe(190);
    expect(fitChips(tags, tags.length, 0, width)).toBe(0);
  });
});

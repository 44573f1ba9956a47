/**
 * How many tag chips fit on one line, computed from text widths instead of laid-out chips: each distinct text is
 * measured once (canvas measureText, cached), so filtering never forces a layout per row.
 * The box sizes below must match `.chip`, `.chip__key`, `.chip--key-only` and `.chips` in theme.css.
 */
import type { Tag } from '../../../../shared/model/instance';

/** Room kept for the "+N" chip (and its gap) when not every chip fits. */
export const MORE_CHIP_WIDTH = 32;
export const GAP = 5;
const CHIP_MAX = 190;
const CHIP_BORDERS = 2;
const KEY_PADDING = 11;
/** The key's right border and margin (1 + 5) and the chip's right padding (6), when there is a value. */
const VALUE_EXTRA = 12;
const FONT_SIZE = '11.5px';

export type TextWidth = (text: string) => number;

let context: CanvasRenderingContext2D | null | undefined;
const widths = new Map<string, number>();

/** Width in px of `text` in the chip font (measured once per distinct text); undefined without a canvas. */
export const canvasTextWidth: TextWidth = (text) => {
  const cached = widths.get(text);
  if (cached !== undefined) return cached;
  if (context === undefined) {
    try {
      context = document.createElement('canvas').getContext('2d');
    } catch {
      context = null;
    }
    if (context) {
      // The chips' font is the body's (html keeps the browser default), read once.
      const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
      context.font = `${FONT_SIZE} ${family}`;
    }
  }
  // Rounded up: the layout never comes out narrower than the estimate.
  const width = Math.ceil(context ? context.measureText(text).width : text.length * 6.5);
  widths.set(text, width);
  return width;
};

/** The width of one chip: `key` and, when not empty, `value`, capped like `.chip`. */
export function chipWidth(tag: Tag, textWidth: TextWidth): number {
  const key = KEY_PADDING + textWidth(tag.key);
  const value = tag.value === '' ? 0 : VALUE_EXTRA + textWidth(tag.value);
  return Math.min(CHIP_MAX, Math.ceil(CHIP_BORDERS + key + value));
}

/**
 * Of `head` (the chips offered, `total` tags in all), how many fit whole in `width` px. All fit when there is no
 * overflow; otherwise room for the "+N" chip is kept after the last one.
 */
export function fitChips(head: readonly Tag[], total: number, width: number, textWidth: TextWidth): number {
  let right = -GAP;
  const rights: number[] = [];
  for (const tag of head) {
    right += GAP + chipWidth(tag, textWidth);
    rights.push(right);
  }
  if (total <= head.length && right <= width) return head.length;
  return rights.filter((r) => r <= width - MORE_CHIP_WIDTH).length;
}

/** Plain-text table whose columns line up with wide (CJK) characters too. */
import stringWidth from 'string-width';

export interface TableOptions {
  /** When set, the last column is cut (with "…") so lines fit this many terminal columns. */
  maxWidth?: number;
  gap?: number;
}

export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const gap = options.gap ?? 2;
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => stringWidth(row[col] ?? ''))));
  const last = header.length - 1;
  const lines = all.map((row) => {
    const cells = row.map((cell, col) => (col === last ? cell : padToWidth(cell, widths[col] ?? 0)));
    let line = cells.join(' '.repeat(gap));
    if (options.maxWidth !== undefined && stringWidth(line) > options.maxWidth) line = truncate(line, options.maxWidth);
    return line.trimEnd();
  });
  return lines.join('\n') + '\n';
}

export { stringWidth };

/** Pads with spaces to `width` terminal columns. */
export function padToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts to at most `width` columns, never inside a character, ending with "…". */
export function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment: ch } of graphemes.segment(text)) {
    const w = stringWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return out + '…';
}

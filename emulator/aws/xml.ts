/** Escapes text for an XML element or attribute (UTF-8 passes through unchanged). */
export function xmlEscape(value: string): string {
  return value.replace(/[&<>"'\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return '&#13;';
    }
  });
}

/** Pre-serialised XML inserted as is (for fragments cached between requests). */
export class RawXml {
  constructor(readonly xml: string) {}
}

/** A node of a response document: text, nested elements, a list of `<item>`s, raw XML, or nothing (omitted). */
export type XmlValue = string | number | boolean | XmlElement | RawXml | XmlValue[] | undefined | null;
export interface XmlElement {
  [name: string]: XmlValue;
}

/**
 * Serialises `value` as the children of an element. Objects become child elements in key order; arrays become
 * `<item>` children (the EC2 list convention); `undefined`/`null` are omitted; an empty array gives an empty element.
 */
export function xmlChildren(value: XmlValue, out: string[] = []): string[] {
  if (value === undefined || value === null) return out;
  if (value instanceof RawXml) {
    out.push(value.xml);
    return out;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      out.push('<item>');
      xmlChildren(item, out);
      out.push('</item>');
    }
    return out;
  }
  if (typeof value === 'object') {
    for (const [name, child] of Object.entries(value)) {
      if (child === undefined || child === null) continue;
      out.push(`<${name}>`);
      xmlChildren(child, out);
      out.push(`</${name}>`);
    }
    return out;
  }
  out.push(xmlEscape(String(value)));
  return out;
}

/** A whole response document `<root xmlns="...">children</root>`. */
export function xmlDocument(root: string, xmlns: string, children: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n', `<${root} xmlns="${xmlns}">`];
  xmlChildren(children, out);
  out.push(`</${root}>`);
  return out.join('');
}

import type { Instance } from '../../../../shared/model/instance';

/**
 * Folds text for matching: NFKC (full-width "ＷＥＢ" and half-width "ｳｪﾌﾞ" become "web" / "ウェブ"),
 * then locale-independent lower case. Japanese text survives unchanged otherwise.
 */
export function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Splits a query into terms on any white space, including the ideographic space (U+3000). */
export function queryTerms(query: string): string[] {
  return fold(query)
    .split(/\s+/u)
    .filter((term) => term.length > 0);
}

const cache = new WeakMap<Instance, string>();

/** Everything a search term may match, folded and joined with a separator no term contains (cached per object). */
export function searchText(instance: Instance): string {
  let text = cache.get(instance);
  if (text === undefined) {
    text = buildSearchText(instance);
    cache.set(instance, text);
  }
  return text;
}

function buildSearchText(instance: Instance): string {
  const fields: (string | undefined)[] = [
    instance.name,
    instance.instanceId,
    instance.privateIp,
    instance.publicIp,
    instance.platform,
    instance.platformName,
    instance.platformVersion,
    instance.computerName,
    instance.instanceType,
  ];
  for (const tag of instance.tags) {
    fields.push(tag.key, tag.value, `${tag.key}=${tag.value}`, `${tag.key}:${tag.value}`);
  }
  return fold(fields.filter((f): f is string => !!f).join('\u0000'));
}

/**
 * Filters instances by a free-text query: every term must occur (case-insensitively) in the name, ID,
 * an IP address, the platform, or a tag key or value. `Key=Value` and `Key:Value` match one tag.
 */
export function filterInstances(instances: readonly Instance[], query: string): readonly Instance[] {
  const terms = queryTerms(query);
  if (terms.length === 0) return instances;
  return instances.filter((instance) => {
    const text = searchText(instance);
    return terms.every((term) => text.includes(term));
  });
}

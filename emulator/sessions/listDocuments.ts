/**
 * SSM ListDocuments for the Session documents the emulator knows (document type Session, owned by Amazon).
 * Filters: `Filters` key/values (DocumentType, Owner, Name; other keys match nothing here) and the older
 * `DocumentFilterList` (key DocumentType/Owner/Name); MaxResults 1 to 50. The emulator has no Command or
 * Automation documents, so a filter for another document type returns an empty list.
 */
import { Violations, asObject, optionalArray, optionalString, stringList } from '../aws/operation';
import { SESSION_DOCUMENTS } from './documents';

export function listDocuments(input: Record<string, unknown>): Record<string, unknown> {
  const v = new Violations();
  v.range(input.MaxResults, 'maxResults', 1, 50);
  v.throwIfAny();
  const filters: { key: string; values: string[] }[] = [];
  for (const raw of optionalArray(input.Filters) ?? []) {
    const f = asObject(raw);
    filters.push({ key: optionalString(f.Key) ?? '', values: stringList(f.Values) });
  }
  for (const raw of optionalArray(input.DocumentFilterList) ?? []) {
    const f = asObject(raw);
    filters.push({
      key: (optionalString(f.key) ?? '').replace(/^./, (c) => c.toUpperCase()),
      values: [optionalString(f.value) ?? ''],
    });
  }
  const matching = SESSION_DOCUMENTS.filter((d) =>
    filters.every(({ key, values }) => {
      if (key === 'DocumentType') return values.includes('Session');
      if (key === 'Owner') return values.some((o) => o === 'Amazon' || o === 'Public' || o === 'All');
      if (key === 'Name') return values.some((n) => d.name.startsWith(n));
      return false;
    }),
  );
  return {
    DocumentIdentifiers: matching.map((d) => ({
      Name: d.name,
      Owner: 'Amazon',
      DocumentType: 'Session',
      DocumentFormat: 'JSON',
      SchemaVersion: '1.0',
      DocumentVersion: '1',
      PlatformTypes: ['Windows', 'Linux', 'MacOS'],
    })),
  };
}

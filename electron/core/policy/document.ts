/**
 * IAM policy documents as the policy helper handles them: the JSON shape, parsing with positioned reasons, and the
 * structural validation IAM applies when a policy is created (MalformedPolicyDocument cases and the size limit).
 */

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version: '2012-10-17' | '2008-10-17';
  Statement: PolicyStatement[];
}

export type ParseResult =
  { ok: true; document: PolicyDocument; raw: Record<string, unknown> } | { ok: false; message: string };

/** Characters IAM counts for a managed policy (whitespace excluded). */
export const MANAGED_POLICY_MAX_CHARS = 6144;

export function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

function isStringList(v: unknown): boolean {
  return typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'));
}

/** Parses and validates a pasted or generated policy. Statement numbers in messages start at 1. */
export function parsePolicyDocument(input: string | unknown): ParseResult {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { ok: false, message: 'the policy must be a JSON object' };
  const raw = doc as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== 'Version' && key !== 'Statement' && key !== 'Id')
      return { ok: false, message: `unknown top-level field "${key}"` };
  }
  const version = raw['Version'] ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17')
    return { ok: false, message: `"Version" must be "2012-10-17" (got ${JSON.stringify(version)})` };
  const rawStatements = raw['Statement'];
  if (rawStatements === undefined) return { ok: false, message: 'the policy has no "Statement"' };
  const statements = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  if (statements.length === 0) return { ok: false, message: '"Statement" is empty' };
  const out: PolicyStatement[] = [];
  for (const [i, s] of statements.entries()) {
    const n = i + 1;
    if (typeof s !== 'object' || s === null || Array.isArray(s))
      return { ok: false, message: `statement ${n} is not an object` };
    const st = s as Record<string, unknown>;
    for (const key of Object.keys(st)) {
      if (key === 'Principal' || key === 'NotPrincipal')
        return { ok: false, message: `statement ${n}: an identity policy cannot name a ${key}` };
      if (!STATEMENT_KEYS.has(key)) return { ok: false, message: `statement ${n}: unknown field "${key}"` };
    }
    if (st['Effect'] !== 'Allow' && st['Effect'] !== 'Deny')
      return { ok: false, message: `statement ${n}: "Effect" must be "Allow" or "Deny"` };
    if ('Action' in st === 'NotAction' in st)
      return { ok: false, message: `statement ${n}: needs exactly one of "Action" and "NotAction"` };
    if ('Resource' in st === 'NotResource' in st)
      return { ok: false, message: `statement ${n}: needs exactly one of "Resource" and "NotResource"` };
    for (const key of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      if (key in st && !isStringList(st[key]))
        return { ok: false, message: `statement ${n}: "${key}" must be a string or a list of strings` };
    }
    for (const action of [
      ...list(st['Action'] as string | string[] | undefined),
      ...list(st['NotAction'] as string | string[] | undefined),
    ]) {
      if (action !== '*' && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(action))
        return { ok: false, message: `statement ${n}: "${action}" is not an action (service:Action)` };
    }
    const condition = st['Condition'];
    if (condition !== undefined) {
      if (typeof condition !== 'object' || condition === null || Array.isArray(condition))
        return { ok: false, message: `statement ${n}: "Condition" must be an object` };
      for (const [op, block] of Object.entries(condition as Record<string, unknown>)) {
        if (typeof block !== 'object' || block === null || Array.isArray(block))
          return { ok: false, message: `statement ${n}: Condition "${op}" must map keys to values` };
      }
    }
    out.push(st as unknown as PolicyStatement);
  }
  const size = JSON.stringify(doc).replace(/\s/g, '').length;
  if (size > MANAGED_POLICY_MAX_CHARS)
    return {
      ok: false,
      message: `the policy has ${size} characters; a managed policy may have at most ${MANAGED_POLICY_MAX_CHARS}`,
    };
  return { ok: true, document: { Version: version, Statement: out }, raw };
}

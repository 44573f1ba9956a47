/**
 * A small IAM identity-policy evaluator: the emulator's stand-in for AWS's authorization engine.
 *
 * What it does (identity-based policies only; no SCPs, permission boundaries, session or resource policies):
 * - Statement: Effect Allow|Deny, Action|NotAction, Resource|NotResource, Condition; a single statement or a list.
 * - Action matching is case-insensitive with `*`/`?` wildcards; Resource matching is case-sensitive per ARN segment
 *   (`*` never crosses the first five `:` separators, except a bare `*`).
 * - Policy variables (`${aws:username}`, `${aws:userid}`, `${aws:PrincipalTag/k}`, any context key, `${*}`, `${?}`,
 *   `${$}`) in Resource and condition values, for Version 2012-10-17 only; an absent variable matches nothing.
 * - Condition operators: String*, StringLike/NotLike, *IgnoreCase, Numeric*, Date*, Bool, Arn*, Null; the
 *   `IfExists` suffix and the `ForAnyValue:`/`ForAllValues:` set prefixes. Operators within a block are ANDed,
 *   keys are ANDed, values of one key are ORed. Negated operators are true when the key is absent.
 * - Decision: any matching Deny -> explicitDeny; else any matching Allow -> allowed; else implicitDeny.
 */

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface Statement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  /** operator -> key -> values */
  condition: Record<string, Record<string, string[]>>;
}

export interface ParsedPolicy {
  version: string;
  statements: Statement[];
}

export interface NamedPolicy {
  /** How SimulatePrincipalPolicy names the policy a matched statement came from (policy name or ARN). */
  id: string;
  /** `IAM Policy`, `user`, `role`, ... (SourcePolicyType). */
  type: string;
  policy: ParsedPolicy;
}

/** A request as the authorization engine sees it. Context keys are compared case-insensitively. */
export interface RequestContext {
  action: string;
  resource: string;
  /** Condition keys (e.g. `aws:username`, `ssm:resourceTag/Team`) -> values. */
  keys: Readonly<Record<string, readonly string[]>>;
}

export interface MatchedStatement {
  policyId: string;
  policyType: string;
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
}

export interface EvaluationResult {
  decision: Decision;
  matched: MatchedStatement[];
}

export class PolicyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyParseError';
  }
}

const KNOWN_STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
  'Principal',
  'NotPrincipal',
]);

function stringList(value: unknown, where: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new PolicyParseError(`${where} must be a string or a list of strings`);
}

function conditionValues(value: unknown, where: string): string[] {
  const one = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean' || typeof v === 'number') return String(v);
    throw new PolicyParseError(`${where} values must be strings, numbers or booleans`);
  };
  return Array.isArray(value) ? value.map(one) : [one(value)];
}

/** Parses a policy document (a JSON string or an object) into statements; throws PolicyParseError (MalformedPolicyDocument). */
export function parsePolicy(input: unknown): ParsedPolicy {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch {
      throw new PolicyParseError('Syntax errors in policy.');
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new PolicyParseError('The policy must be a JSON object.');
  const record = doc as Record<string, unknown>;
  const version = record['Version'] === undefined ? '2008-10-17' : record['Version'];
  if (version !== '2012-10-17' && version !== '2008-10-17')
    throw new PolicyParseError('The policy must contain a valid version string');
  const raw = record['Statement'];
  if (raw === undefined) throw new PolicyParseError('Policy document must contain a Statement.');
  const list = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((s, index): Statement => {
    const where = `Statement[${index}]`;
    if (typeof s !== 'object' || s === null || Array.isArray(s))
      throw new PolicyParseError(`${where} must be an object`);
    const st = s as Record<string, unknown>;
    for (const key of Object.keys(st)) {
      if (!KNOWN_STATEMENT_KEYS.has(key)) throw new PolicyParseError(`${where}: unknown field ${key}`);
    }
    if ('Principal' in st || 'NotPrincipal' in st)
      throw new PolicyParseError('Policy document should not specify a principal.');
    const effect = st['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') throw new PolicyParseError(`${where}: Effect must be Allow or Deny`);
    if ('Action' in st === 'NotAction' in st)
      throw new PolicyParseError(`${where}: exactly one of Action and NotAction is required`);
    if ('Resource' in st === 'NotResource' in st)
      throw new PolicyParseError(`${where}: exactly one of Resource and NotResource is required`);
    const condition: Statement['condition'] = {};
    const rawCondition = st['Condition'];
    if (rawCondition !== undefined) {
      if (typeof rawCondition !== 'object' || rawCondition === null || Array.isArray(rawCondition))
        throw new PolicyParseError(`${where}: Condition must be an object`);
      for (const [operator, block] of Object.entries(rawCondition as Record<string, unknown>)) {
        if (typeof block !== 'object' || block === null || Array.isArray(block))
          throw new PolicyParseError(`${where}: Condition.${operator} must be an object`);
        const keys: Record<string, string[]> = {};
        for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
          keys[key] = conditionValues(values, `${where}: Condition.${operator}.${key}`);
        }
        condition[operator] = keys;
      }
    }
    const sid = st['Sid'];
    if (sid !== undefined && typeof sid !== 'string') throw new PolicyParseError(`${where}: Sid must be a string`);
    return {
      ...(sid !== undefined ? { sid } : {}),
      effect,
      ...('Action' in st ? { action: stringList(st['Action'], `${where}: Action`) } : {}),
      ...('NotAction' in st ? { notAction: stringList(st['NotAction'], `${where}: NotAction`) } : {}),
      ...('Resource' in st ? { resource: stringList(st['Resource'], `${where}: Resource`) } : {}),
      ...('NotResource' in st ? { notResource: stringList(st['NotResource'], `${where}: NotResource`) } : {}),
      condition,
    };
  });
  return { version, statements };
}

// ---- matching helpers ----

const regexCache = new Map<string, RegExp>();

/** `*` any run, `?` one character; everything else literal. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  const cacheKey = `${ignoreCase ? 'i' : 's'}\u0000${pattern}`;
  let re = regexCache.get(cacheKey);
  if (!re) {
    let source = '';
    for (const c of pattern) {
      if (c === '*') source += '[\\s\\S]*';
      else if (c === '?') source += '[\\s\\S]';
      else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
    if (regexCache.size > 2000) regexCache.clear();
    regexCache.set(cacheKey, re);
  }
  return re.test(value);
}

/** Splits an ARN into its six parts (the resource part keeps its colons); undefined when it is not an ARN. */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = arnParts(pattern);
  const a = arnParts(arn);
  if (!p || !a) return globMatch(pattern, arn);
  return p.every((segment, i) => globMatch(segment, a[i]!));
}

export function actionMatch(pattern: string, action: string): boolean {
  return globMatch(pattern, action, true);
}

const ABSENT = '\u0000absent';

function lookup(keys: RequestContext['keys'], name: string): readonly string[] | undefined {
  const lower = name.toLowerCase();
  for (const [key, values] of Object.entries(keys)) if (key.toLowerCase() === lower) return values;
  return undefined;
}

/** Replaces `${...}` policy variables; a variable with no value yields a string that matches nothing. */
export function substituteVariables(text: string, keys: RequestContext['keys']): string {
  return text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
    if (name === '*') return '\u0001star';
    if (name === '?') return '\u0001qmark';
    if (name === '$') return '$';
    const values = lookup(keys, name);
    return values && values.length === 1 ? values[0]! : ABSENT;
  });
}

/** Glob matching where `${*}`/`${?}` (markers after substitution) stand for literal `*` and `?`. */
function globWithLiterals(pattern: string, value: string, ignoreCase = false): boolean {
  if (!pattern.includes('\u0001')) return globMatch(pattern, value, ignoreCase);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\u0001') {
      const rest = pattern.slice(i + 1);
      if (rest.startsWith('star')) {
        source += '\\*';
        i += 4;
      } else if (rest.startsWith('qmark')) {
        source += '\\?';
        i += 5;
      }
    } else if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u').test(value);
}

function resourceMatch(pattern: string, resource: string): boolean {
  if (pattern.includes(ABSENT)) return false;
  if (!pattern.includes('\u0001')) return arnMatch(pattern, resource);
  const p = arnParts(pattern);
  const a = arnParts(resource);
  if (!p || !a) return globWithLiterals(pattern, resource);
  return p.every((segment, i) => globWithLiterals(segment, a[i]!));
}

// ---- conditions ----

type Comparator = (contextValue: string, policyValue: string) => boolean;

const parseDate = (v: string): number => (/^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v));

const COMPARATORS: Record<string, { compare: Comparator; negated: boolean }> = {
  StringEquals: { compare: (c, p) => c === p, negated: false },
  StringNotEquals: { compare: (c, p) => c === p, negated: true },
  StringEqualsIgnoreCase: { compare: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: true },
  StringLike: { compare: (c, p) => globWithLiterals(p, c), negated: false },
  StringNotLike: { compare: (c, p) => globWithLiterals(p, c), negated: true },
  NumericEquals: { compare: (c, p) => Number(c) === Number(p), negated: false },
  NumericNotEquals: { compare: (c, p) => Number(c) === Number(p), negated: true },
  NumericLessThan: { compare: (c, p) => Number(c) < Number(p), negated: false },
  NumericLessThanEquals: { compare: (c, p) => Number(c) <= Number(p), negated: false },
  NumericGreaterThan: { compare: (c, p) => Number(c) > Number(p), negated: false },
  NumericGreaterThanEquals: { compare: (c, p) => Number(c) >= Number(p), negated: false },
  DateEquals: { compare: (c, p) => parseDate(c) === parseDate(p), negated: false },
  DateNotEquals: { compare: (c, p) => parseDate(c) === parseDate(p), negated: true },
  DateLessThan: { compare: (c, p) => parseDate(c) < parseDate(p), negated: false },
  DateLessThanEquals: { compare: (c, p) => parseDate(c) <= parseDate(p), negated: false },
  DateGreaterThan: { compare: (c, p) => parseDate(c) > parseDate(p), negated: false },
  DateGreaterThanEquals: { compare: (c, p) => parseDate(c) >= parseDate(p), negated: false },
  // Bool compares the literal strings "true"/"false" (case-insensitively): "ture" never matches anything.
  Bool: { compare: (c, p) => c.toLowerCase() === p.toLowerCase(), negated: false },
  ArnEquals: { compare: (c, p) => arnMatch(p, c), negated: false },
  ArnLike: { compare: (c, p) => arnMatch(p, c), negated: false },
  ArnNotEquals: { compare: (c, p) => arnMatch(p, c), negated: true },
  ArnNotLike: { compare: (c, p) => arnMatch(p, c), negated: true },
};

/** The condition operators this evaluator knows (with or without IfExists / set prefixes). */
export function isKnownConditionOperator(operator: string): boolean {
  const { base } = splitOperator(operator);
  return base === 'Null' || base in COMPARATORS;
}

function splitOperator(operator: string): { set?: 'ForAnyValue' | 'ForAllValues'; base: string; ifExists: boolean } {
  let rest = operator;
  let set: 'ForAnyValue' | 'ForAllValues' | undefined;
  const m = /^(ForAnyValue|ForAllValues):(.+)$/.exec(rest);
  if (m) {
    set = m[1] as 'ForAnyValue' | 'ForAllValues';
    rest = m[2]!;
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  return { ...(set ? { set } : {}), base: rest, ifExists };
}

function conditionHolds(
  operator: string,
  key: string,
  policyValues: string[],
  ctx: RequestContext,
  substitute: boolean,
): boolean {
  const { set, base, ifExists } = splitOperator(operator);
  const contextValues = lookup(ctx.keys, key);
  if (base === 'Null') {
    const absent = contextValues === undefined || contextValues.length === 0;
    return policyValues.some((v) =>
      v.toLowerCase() === 'true' ? absent : v.toLowerCase() === 'false' ? !absent : false,
    );
  }
  const comparator = COMPARATORS[base];
  if (!comparator) return false; // an unknown operator never matches
  const values = substitute ? policyValues.map((v) => substituteVariables(v, ctx.keys)) : policyValues;
  if (contextValues === undefined || contextValues.length === 0) {
    if (set === 'ForAllValues') return true;
    if (set === 'ForAnyValue') return false;
    return ifExists || comparator.negated;
  }
  const matchesAny = (c: string) => values.some((p) => !p.includes(ABSENT) && comparator.compare(c, p));
  if (set === 'ForAllValues') return contextValues.every((c) => (comparator.negated ? !matchesAny(c) : matchesAny(c)));
  if (set === 'ForAnyValue') return contextValues.some((c) => (comparator.negated ? !matchesAny(c) : matchesAny(c)));
  return comparator.negated ? !contextValues.some(matchesAny) : contextValues.some(matchesAny);
}

function statementApplies(statement: Statement, ctx: RequestContext, substitute: boolean): boolean {
  const actionHit = (patterns: string[]) => patterns.some((p) => actionMatch(p, ctx.action));
  if (statement.action && !actionHit(statement.action)) return false;
  if (statement.notAction && actionHit(statement.notAction)) return false;
  const resourceHit = (patterns: string[]) =>
    patterns.some((p) => resourceMatch(substitute ? substituteVariables(p, ctx.keys) : p, ctx.resource));
  if (statement.resource && !resourceHit(statement.resource)) return false;
  if (statement.notResource && resourceHit(statement.notResource)) return false;
  for (const [operator, block] of Object.entries(statement.condition)) {
    for (const [key, values] of Object.entries(block)) {
      if (!conditionHolds(operator, key, values, ctx, substitute)) return false;
    }
  }
  return true;
}

/** Evaluates a request against a principal's policies. */
export function evaluate(policies: readonly NamedPolicy[], ctx: RequestContext): EvaluationResult {
  const allows: MatchedStatement[] = [];
  const denies: MatchedStatement[] = [];
  for (const { id, type, policy } of policies) {
    const substitute = policy.version === '2012-10-17';
    policy.statements.forEach((statement, statementIndex) => {
      if (!statementApplies(statement, ctx, substitute)) return;
      const match: MatchedStatement = {
        policyId: id,
        policyType: type,
        statementIndex,
        ...(statement.sid ? { sid: statement.sid } : {}),
        effect: statement.effect,
      };
      (statement.effect === 'Deny' ? denies : allows).push(match);
    });
  }
  if (denies.length > 0) return { decision: 'explicitDeny', matched: denies };
  if (allows.length > 0) return { decision: 'allowed', matched: allows };
  return { decision: 'implicitDeny', matched: [] };
}

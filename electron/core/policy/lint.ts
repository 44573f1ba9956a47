/**
 * Lints a pasted Session Manager policy for the mistakes people make with these policies. Each finding names the
 * statement (1-based) and says what to do, in the catalog's language.
 */
import { t, type Locale, type MessageKey } from '../../../shared/i18n/catalog';
import { list, parsePolicyDocument, type PolicyStatement } from './document';

export type LintCode =
  | 'parse'
  | 'noVersion'
  | 'variablesNeedVersion'
  | 'boolTypo'
  | 'unknownOperator'
  | 'actionTypo'
  | 'portDocumentMissing'
  | 'terminateEveryone'
  | 'startSessionEverything'
  | 'documentCheckWithoutDocuments';

export interface LintFinding {
  code: LintCode;
  severity: 'error' | 'warning';
  /** 1-based statement number, when the finding is about one statement. */
  statement?: number;
  message: string;
}

export interface LintResult {
  /** The policy parsed (structurally valid). */
  valid: boolean;
  findings: LintFinding[];
}

const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
];

const SESSION_ACTIONS = [
  'ssm:StartSession',
  'ssm:TerminateSession',
  'ssm:ResumeSession',
  'ssm:DescribeSessions',
  'ssm:GetConnectionStatus',
  'ssm:DescribeInstanceInformation',
  'ssm:DescribeInstanceProperties',
  'ssm:GetDocument',
  'ssm:DescribeDocument',
  'ssm:ListDocuments',
  'ssm:SendCommand',
  'ssm:UpdateDocument',
  'ssm:CreateDocument',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'kms:GenerateDataKey',
  'kms:Decrypt',
];

const PORT_DOCUMENTS = [
  'AWS-StartPortForwardingSession',
  'AWS-StartPortForwardingSessionToRemoteHost',
  'AWS-StartSSHSession',
];

function known(operator: string): boolean {
  const base = operator.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
  return OPERATORS.includes(base);
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  );
  return re.test(value);
}

function grants(s: PolicyStatement, action: string): boolean {
  if (s.Effect !== 'Allow') return false;
  if (s.Action !== undefined) return list(s.Action).some((a) => globMatch(a, action));
  return !list(s.NotAction).some((a) => globMatch(a, action));
}

function isDocumentResource(resource: string): boolean {
  return (
    resource === '*' || /^arn:[^:]+:ssm:[^:]*:[^:]*:document\//.test(resource) || /^arn:[^:]+:ssm:\*$/.test(resource)
  );
}

export function lintPolicy(input: string | unknown, locale: Locale = 'en'): LintResult {
  const findings: LintFinding[] = [];
  const add = (
    code: LintCode,
    severity: 'error' | 'warning',
    key: MessageKey,
    params: Record<string, string | number>,
    statement?: number,
  ) =>
    findings.push({
      code,
      severity,
      ...(statement !== undefined ? { statement } : {}),
      message: t(key, params, locale),
    });

  const parsed = parsePolicyDocument(input);
  if (!parsed.ok) {
    add('parse', 'error', 'policy.lint.parse', { message: parsed.message });
    return { valid: false, findings };
  }
  const { document, raw } = parsed;
  const statements = document.Statement;
  if (raw['Version'] === undefined) add('noVersion', 'warning', 'policy.lint.noVersion', {});

  statements.forEach((s, i) => {
    const n = i + 1;
    const text = JSON.stringify(s);
    if (document.Version !== '2012-10-17' && /\$\{[^}]+\}/.test(text))
      add('variablesNeedVersion', 'error', 'policy.lint.variablesNeedVersion', { statement: n }, n);
    for (const [operator, block] of Object.entries(s.Condition ?? {})) {
      if (!known(operator))
        add('unknownOperator', 'error', 'policy.lint.unknownOperator', { statement: n, operator }, n);
      const base = operator.replace(/^(ForAnyValue|ForAllValues):/, '').replace(/IfExists$/, '');
      if (base === 'Bool' || base === 'Null') {
        for (const [key, values] of Object.entries(block)) {
          for (const value of Array.isArray(values) ? values : [values]) {
            const v = String(value);
            if (v !== 'true' && v !== 'false')
              add('boolTypo', 'error', 'policy.lint.boolTypo', { statement: n, key, value: v }, n);
          }
        }
      }
    }
    for (const action of [...list(s.Action), ...list(s.NotAction)]) {
      if (/[*?]/.test(action) || !/^(ssm|ssmmessages|kms):/i.test(action)) continue;
      if (SESSION_ACTIONS.some((a) => a.toLowerCase() === action.toLowerCase())) continue;
      const best = SESSION_ACTIONS.map((a) => ({ a, d: editDistance(a.toLowerCase(), action.toLowerCase()) })).sort(
        (x, y) => x.d - y.d,
      )[0];
      if (best && best.d <= 3)
        add('actionTypo', 'error', 'policy.lint.actionTypo', { statement: n, action, suggestion: best.a }, n);
    }
    if (grants(s, 'ssm:StartSession') && !s.Condition && list(s.Resource).includes('*'))
      add('startSessionEverything', 'warning', 'policy.lint.startSessionEverything', { statement: n }, n);
    const terminate = ['ssm:TerminateSession', 'ssm:ResumeSession'].filter((a) => grants(s, a));
    if (terminate.length > 0) {
      const everyone = list(s.Resource).some(
        (r) => (r === '*' || /:session\/\*$/.test(r)) && !/\$\{aws:(username|userid)\}/.test(r),
      );
      if (everyone && !s.Condition)
        add(
          'terminateEveryone',
          'warning',
          'policy.lint.terminateEveryone',
          { statement: n, actions: terminate.join(', ') },
          n,
        );
    }
  });

  // Cross-statement rules about StartSession and documents.
  const startStatements = statements.map((s, i) => ({ s, n: i + 1 })).filter(({ s }) => grants(s, 'ssm:StartSession'));
  const documentResources = startStatements.flatMap(({ s }) => list(s.Resource).filter(isDocumentResource));
  const checked = startStatements.find(({ s }) =>
    Object.values(s.Condition ?? {}).some((block) =>
      Object.keys(block).some((k) => k.toLowerCase() === 'ssm:sessiondocumentaccesscheck'),
    ),
  );
  if (checked && documentResources.length === 0)
    add(
      'documentCheckWithoutDocuments',
      'error',
      'policy.lint.documentCheckWithoutDocuments',
      { statement: checked.n },
      checked.n,
    );
  const namesDocuments = documentResources.filter((r) => r !== '*');
  const coversPort = documentResources.some((r) =>
    PORT_DOCUMENTS.some((d) => globMatch(r.split('/').pop() ?? '', d) && !r.endsWith('/SSM-SessionManagerRunShell')),
  );
  if (namesDocuments.length > 0 && !documentResources.includes('*') && !coversPort) {
    const first = startStatements.find(({ s }) => list(s.Resource).some(isDocumentResource));
    add('portDocumentMissing', 'warning', 'policy.lint.portDocumentMissing', { statement: first?.n ?? 1 }, first?.n);
  }
  return { valid: true, findings };
}

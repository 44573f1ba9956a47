/**
 * Explains a policy statement by statement: the generator's statements by their purpose (Sid), any other statement
 * as "Allows <actions> on <resources>, only when <conditions>", in the catalog's language.
 */
import { t, type Locale, type MessageKey } from '../../../shared/i18n/catalog';
import { list, type PolicyDocument, type PolicyStatement } from './document';

export interface StatementExplanation {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** What the statement is for (generated statements), or what it does. */
  sentence: string;
  /** The mechanics: effect, actions, resources. */
  mechanics: string;
  /** One line per condition key. */
  conditions: string[];
}

const PURPOSES: Record<string, MessageKey> = {
  StartSessionOnInstances: 'policy.statement.startSessionInstances',
  StartSessionOnTaggedInstances: 'policy.statement.startSessionInstances',
  StartSessionWithDocuments: 'policy.statement.startSessionDocuments',
  EndAndResumeOwnSessions: 'policy.statement.terminateOwn',
  ListForPorthole: 'policy.statement.describe',
  EncryptSessions: 'policy.statement.kms',
  AllSessions: 'policy.statement.adminSessions',
  SessionPreferences: 'policy.statement.adminPreferences',
  WriteSessionLogsToS3: 'policy.statement.instanceS3',
  ReadLogBucketEncryption: 'policy.statement.instanceS3Encryption',
  StreamSessionLogsToCloudWatch: 'policy.statement.instanceLogs',
  DecryptSessionData: 'policy.statement.instanceKms',
};

function purposeParams(s: PolicyStatement): Record<string, string> {
  const resources = list(s.Resource);
  const conditions = Object.entries(s.Condition?.['StringLike'] ?? {}).map(
    ([k, v]) => `${k.replace(/^ssm:resourceTag\//, '')}=${list(v as string | string[]).join('|')}`,
  );
  return {
    targets: conditions.length > 0 ? conditions.join(', ') : resources.map((r) => r.split('/').pop() ?? r).join(', '),
    documents: resources.map((r) => r.split('/').pop() ?? r).join(', '),
    key: resources[0] ?? '*',
    bucket: (resources[0] ?? '').replace(/^arn:[^:]+:s3:::/, '').split('/')[0] ?? '',
    group: resources[0] ?? '*',
  };
}

export function explainPolicy(document: PolicyDocument, locale: Locale = 'en'): StatementExplanation[] {
  return document.Statement.map((s, index) => {
    const effect = t(`policy.explain.effect.${s.Effect}`, undefined, locale);
    const actions = [...list(s.Action), ...list(s.NotAction).map((a) => `NOT ${a}`)].join(', ');
    const resources = [...list(s.Resource), ...list(s.NotResource).map((r) => `NOT ${r}`)].join(', ');
    const mechanics = t('policy.explain.statement', { effect, actions, resources }, locale);
    const conditions = Object.entries(s.Condition ?? {}).flatMap(([operator, block]) =>
      Object.entries(block).map(([key, values]) =>
        t('policy.explain.condition', { key, operator, values: list(values as string | string[]).join(', ') }, locale),
      ),
    );
    const purpose = s.Sid ? PURPOSES[s.Sid] : undefined;
    return {
      index,
      ...(s.Sid ? { sid: s.Sid } : {}),
      effect: s.Effect,
      sentence: purpose ? t(purpose, purposeParams(s), locale) : mechanics,
      mechanics,
      conditions,
    };
  });
}

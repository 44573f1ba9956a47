/**
 * The policy helper's channels: turn a policy.generate request into the policy module's options, and answer
 * with the pretty-printed policy, its statement-by-statement explanation and its lint findings.
 */
import type { InvokeRequest, InvokeResponse } from '../../../shared/ipc/contract';
import type { Locale } from '../../../shared/i18n/catalog';
import {
  adminPolicy,
  endUserPolicy,
  explainPolicy,
  instanceRolePolicies,
  lintPolicy,
  parsePolicyDocument,
  type PolicyDocument,
} from '../policy';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';

const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> => {
  const v = value?.trim();
  return v ? ({ [key]: v } as Record<K, string>) : {};
};

function invalid(detail: string): PortholeError {
  return new PortholeError('INVALID_POLICY_REQUEST', t('error.INVALID_POLICY_REQUEST', { detail }), { detail });
}

export function generatePolicy(request: InvokeRequest<'policy.generate'>): InvokeResponse<'policy.generate'> {
  const locale: Locale = request.locale ?? 'en';
  let document: PolicyDocument | undefined;
  let managedPolicyArns: string[] = [];
  if (request.kind === 'endUser') {
    if (!request.targets) throw invalid('choose instances or tag conditions for the end-user policy');
    const documents = [...(request.documents ?? []), ...(request.customDocuments ?? []).map((name) => ({ name }))];
    if (documents.length === 0) throw invalid('choose at least one session document');
    document = endUserPolicy({
      targets: request.targets,
      documents,
      ...optional('region', request.region),
      ...optional('accountId', request.accountId),
      ...optional('kmsKeyArn', request.kmsKeyArn),
    });
  } else if (request.kind === 'admin') {
    document = adminPolicy({
      ...optional('region', request.region),
      ...optional('accountId', request.accountId),
      ...optional('kmsKeyArn', request.kmsKeyArn),
    });
  } else {
    const role = instanceRolePolicies({
      ...optional('s3BucketName', request.s3BucketName),
      ...optional('s3KeyPrefix', request.s3KeyPrefix),
      ...optional('cloudWatchLogGroupName', request.cloudWatchLogGroupName),
      ...optional('kmsKeyArn', request.kmsKeyArn),
    });
    managedPolicyArns = role.managedPolicyArns;
    document = role.inline;
  }
  if (!document) return { managedPolicyArns, explanation: [], findings: [] };
  const text = JSON.stringify(document, null, 2);
  return {
    policy: text,
    managedPolicyArns,
    explanation: explainPolicy(document, locale),
    findings: lintPolicy(text, locale).findings,
  };
}

export function explainPolicyText(request: InvokeRequest<'policy.explain'>): InvokeResponse<'policy.explain'> {
  const parsed = parsePolicyDocument(request.text);
  if (!parsed.ok) return { valid: false, explanation: [], error: parsed.message };
  return { valid: true, explanation: explainPolicy(parsed.document, request.locale ?? 'en') };
}

export function lintPolicyText(request: InvokeRequest<'policy.lint'>): InvokeResponse<'policy.lint'> {
  return lintPolicy(request.text, request.locale ?? 'en');
}

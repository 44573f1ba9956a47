export {
  parsePolicyDocument,
  MANAGED_POLICY_MAX_CHARS,
  type PolicyDocument,
  type PolicyStatement,
  type ParseResult,
} from './document';
export {
  adminPolicy,
  documentArn,
  endUserPolicy,
  instanceRolePolicies,
  SESSION_DOCUMENT_NAMES,
  SSM_CORE_POLICY_ARN,
  type AdminPolicyOptions,
  type EndUserPolicyOptions,
  type InstanceRoleOptions,
  type InstanceRolePolicies,
  type SessionDocumentChoice,
  type TargetChoice,
} from './generate';
export { explainPolicy, type StatementExplanation } from './explain';
export { lintPolicy, type LintCode, type LintFinding, type LintResult } from './lint';

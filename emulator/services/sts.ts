/** STS (AWS Query, XML in the 2011-06-15 namespace): GetCallerIdentity. */
import { AwsError, XML_NS } from '../aws/errors';
import type { QueryOperation } from '../aws/operation';
import { xmlDocument } from '../aws/xml';

export const STS_VERSION = '2011-06-15';

export function createStsOperations(): Record<string, QueryOperation> {
  const getCallerIdentity: QueryOperation = (_params, ctx) =>
    xmlDocument('GetCallerIdentityResponse', XML_NS.sts, {
      GetCallerIdentityResult: { Arn: ctx.caller.arn, UserId: ctx.caller.userId, Account: ctx.caller.accountId },
      ResponseMetadata: { RequestId: ctx.requestId },
    });
  return { GetCallerIdentity: getCallerIdentity };
}

export function unknownStsAction(action: string, version: string | null): AwsError {
  return new AwsError(
    'InvalidAction',
    `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
  );
}

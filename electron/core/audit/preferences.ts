/**
 * Whether Session Manager records sessions server-side: the region's session preferences document
 * (SSM-SessionManagerRunShell, GetDocument) names an S3 bucket or a CloudWatch log group, and a KMS key.
 */
import { GetDocumentCommand } from '@aws-sdk/client-ssm';
import type { SessionAudit } from '../../../shared/model/tools';
import type { AwsClientFactory } from '../aws/clients';
import { redactSecrets } from '../aws/errors';

export const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';

export async function sessionAudit(
  clients: Pick<AwsClientFactory, 'ssm'>,
  query: { profile: string; region: string },
): Promise<SessionAudit> {
  try {
    const out = await clients.ssm(query).send(new GetDocumentCommand({ Name: PREFERENCES_DOCUMENT }));
    const content = JSON.parse(out.Content ?? '{}') as { inputs?: Record<string, unknown> };
    const i = content.inputs ?? {};
    const s = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const s3BucketName = s(i['s3BucketName']);
    const s3KeyPrefix = s(i['s3KeyPrefix']);
    const cloudWatchLogGroupName = s(i['cloudWatchLogGroupName']);
    const kmsKeyId = s(i['kmsKeyId']);
    return {
      configured: true,
      ...(s3BucketName ? { s3BucketName } : {}),
      ...(s3KeyPrefix ? { s3KeyPrefix } : {}),
      ...(cloudWatchLogGroupName ? { cloudWatchLogGroupName } : {}),
      ...(kmsKeyId ? { kmsKeyId } : {}),
      recorded: Boolean(s3BucketName || cloudWatchLogGroupName),
      encrypted: Boolean(kmsKeyId),
    };
  } catch (e) {
    const err = e as { name?: string; message?: string };
    // No preferences were ever saved in this region: nothing is logged or encrypted.
    if (err.name === 'InvalidDocument') return { configured: false, recorded: false, encrypted: false };
    return {
      configured: false,
      recorded: false,
      encrypted: false,
      error: redactSecrets(`${err.name ?? 'Error'}: ${err.message ?? String(e)}`),
    };
  }
}

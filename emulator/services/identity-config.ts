/**
 * The emulator's identity file (`npm run emulator -- --identity <file.json>`): several accounts' credentials,
 * roles for STS AssumeRole (with MFA), IAM Identity Center (SSO) and throttling rules, e.g.
 *   {
 *     "credentials": [{ "accessKeyId": "AKIADEV...", "secretAccessKey": "...", "accountId": "111111111111" }],
 *     "roles": [{ "arn": "arn:aws:iam::222222222222:role/Admin", "mfa": { "serialNumber": "arn:aws:iam::111111111111:mfa/me", "code": "123456" } }],
 *     "sso": { "startUrl": "https://corp.awsapps.com/start", "accounts": [{ "accountId": "333333333333", "accountName": "本番", "roles": ["ReadOnly"] }] },
 *     "throttle": [{ "rate": 0.2, "regions": ["eu-west-1"] }]
 *   }
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const account = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');

export const IdentityConfigSchema = z
  .object({
    credentials: z
      .array(
        z
          .object({
            accessKeyId: z.string().min(16).max(128),
            secretAccessKey: z.string().min(1),
            sessionToken: z.string().optional(),
            accountId: account.optional(),
            arn: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    roles: z
      .array(
        z
          .object({
            arn: z.string().regex(/^arn:aws:iam::\d{12}:role\/.+$/, 'must be a role ARN'),
            trustedAccounts: z.array(account).optional(),
            mfa: z.object({ serialNumber: z.string().min(9), code: z.string().regex(/^\d{6}$/) }).optional(),
            maxSessionDuration: z.number().int().min(900).max(43200).optional(),
          })
          .strict(),
      )
      .optional(),
    sso: z
      .object({
        startUrl: z.string().url().optional(),
        accounts: z.array(
          z.object({
            accountId: account,
            accountName: z.string(),
            emailAddress: z.string().optional(),
            roles: z.array(z.string().min(1)),
          }),
        ),
        userName: z.string().optional(),
        autoApprove: z.boolean().optional(),
        tokenLifetimeSeconds: z.number().int().positive().optional(),
        roleCredentialSeconds: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    throttle: z
      .array(
        z
          .object({
            rate: z.number().min(0).max(1),
            services: z.array(z.string()).optional(),
            regions: z.array(z.string()).optional(),
            operations: z.array(z.string()).optional(),
            accounts: z.array(account).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export type IdentityConfig = z.infer<typeof IdentityConfigSchema>;

/** Reads and validates an identity file; throws a readable error listing every problem. */
export async function loadIdentityConfig(path: string): Promise<IdentityConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read identity file ${path}: ${(e as Error).message}`, { cause: e });
  }
  const parsed = IdentityConfigSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new Error(`invalid identity file ${path}:\n${problems}`);
  }
  return parsed.data;
}

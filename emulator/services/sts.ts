/**
 * STS (AWS Query, XML in the 2011-06-15 namespace): GetCallerIdentity and AssumeRole.
 *
 * AssumeRole issues temporary credentials (ASIA... key id, secret, session token, expiry) for a role configured
 * in the emulator options. Like AWS it validates RoleSessionName, DurationSeconds, SerialNumber and TokenCode
 * (ValidationError, 400), refuses unknown roles and callers the role does not trust (AccessDenied, 403), and for
 * roles whose trust policy demands MFA refuses calls without a SerialNumber/TokenCode, or with a wrong one.
 * An MFA device's valid code is fixed per device in the emulator options (no TOTP clock).
 */
import { createHash, randomBytes } from 'node:crypto';
import { AwsError, XML_NS } from '../aws/errors';
import type { Caller, QueryOperation } from '../aws/operation';
import { xmlDocument } from '../aws/xml';

export const STS_VERSION = '2011-06-15';

/** A role callers may assume. */
export interface EmulatorRole {
  /** `arn:aws:iam::<account>:role/<name>`; the role's account is the one its credentials act in. */
  arn: string;
  /** Accounts whose principals the trust policy allows (default: every account). */
  trustedAccounts?: string[];
  /** Trust policy demands MFA (`aws:MultiFactorAuthPresent`): the serial and the code the device shows. */
  mfa?: { serialNumber: string; code: string };
  /** Longest session the role allows, in seconds (AWS default 3600, at most 43200). */
  maxSessionDuration?: number;
}

/** Credentials the emulator issued (AssumeRole, SSO GetRoleCredentials); the server accepts them until `expiration`. */
export interface IssuedCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  arn: string;
  userId: string;
  expiration: Date;
}

export interface StsDeps {
  roles?: readonly EmulatorRole[];
  /** Registers issued credentials with the server's SigV4 verifier. */
  issue?: (credential: IssuedCredential) => void;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

export function createStsOperations(deps: StsDeps = {}): Record<string, QueryOperation> {
  const roles = new Map((deps.roles ?? []).map((r) => [r.arn, r]));

  const getCallerIdentity: QueryOperation = (_params, ctx) =>
    xmlDocument('GetCallerIdentityResponse', XML_NS.sts, {
      GetCallerIdentityResult: { Arn: ctx.caller.arn, UserId: ctx.caller.userId, Account: ctx.caller.accountId },
      ResponseMetadata: { RequestId: ctx.requestId },
    });

  const assumeRole: QueryOperation = (params, ctx) => {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const serial = params.get('SerialNumber');
    const code = params.get('TokenCode');
    const durationText = params.get('DurationSeconds');
    const problems: string[] = [];
    if (roleArn.length < 20 || roleArn.length > 2048)
      problems.push(
        `Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`,
      );
    if (sessionName.length < 2 || sessionName.length > 64)
      problems.push(
        `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must have length ${sessionName.length < 2 ? 'greater than or equal to 2' : 'less than or equal to 64'}`,
      );
    else if (!/^[\w+=,.@-]*$/.test(sessionName))
      problems.push(
        `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    if (serial !== null && (serial.length < 9 || serial.length > 256))
      problems.push(
        `Value '${serial}' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9`,
      );
    if (code !== null && !/^\d{6}$/.test(code))
      problems.push(
        `Value '${code}' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*`,
      );
    let duration = 3600;
    if (durationText !== null) {
      duration = Number(durationText);
      if (!Number.isInteger(duration) || duration < 900)
        problems.push(
          `Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
        );
      else if (duration > 43200)
        problems.push(
          `Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
        );
    }
    if (problems.length > 0) {
      throw new AwsError(
        'ValidationError',
        `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
      );
    }

    const role = roles.get(roleArn);
    const match = ROLE_ARN.exec(roleArn);
    if (!role || !match || (role.trustedAccounts && !role.trustedAccounts.includes(ctx.caller.accountId))) {
      throw notAuthorized(ctx.caller, roleArn);
    }
    if (role.mfa) {
      if (serial === null || code === null || serial !== role.mfa.serialNumber)
        throw notAuthorized(ctx.caller, roleArn);
      if (code !== role.mfa.code)
        throw new AwsError(
          'AccessDenied',
          'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
          403,
        );
    }
    const maxDuration = role.maxSessionDuration ?? 3600;
    if (duration > maxDuration) {
      throw new AwsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }

    const accountId = match[1]!;
    const roleName = match[2]!;
    const roleId = `AROA${uniqueSuffix(roleArn)}`;
    const issued: IssuedCredential = {
      ...newTemporaryKeys(),
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
      expiration: new Date(Math.floor(ctx.now.getTime() / 1000) * 1000 + duration * 1000),
    };
    deps.issue?.(issued);
    return xmlDocument('AssumeRoleResponse', XML_NS.sts, {
      AssumeRoleResult: {
        AssumedRoleUser: { AssumedRoleId: issued.userId, Arn: issued.arn },
        Credentials: {
          AccessKeyId: issued.accessKeyId,
          SecretAccessKey: issued.secretAccessKey,
          SessionToken: issued.sessionToken,
          Expiration: issued.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      },
      ResponseMetadata: { RequestId: ctx.requestId },
    });
  };

  return { GetCallerIdentity: getCallerIdentity, AssumeRole: assumeRole };
}

function notAuthorized(caller: Caller, roleArn: string): AwsError {
  return new AwsError(
    'AccessDenied',
    `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
}

/** Temporary keys shaped like AWS's: `ASIA` + 16 characters, a 40-character secret, a long session token. */
export function newTemporaryKeys(): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = Array.from(randomBytes(16), (b) => alphabet[b & 31]).join('');
  return {
    accessKeyId: `ASIA${id}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(300).toString('base64')}`,
  };
}

/** 17 characters of [A-Z2-7] derived from `seed`, like the tail of an IAM unique id. */
function uniqueSuffix(seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(createHash('sha256').update(seed).digest().subarray(0, 17), (b) => alphabet[b & 31]).join('');
}

export function unknownStsAction(action: string, version: string | null): AwsError {
  return new AwsError(
    'InvalidAction',
    `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
  );
}

/** Temporary credentials used after their expiry, per protocol, as AWS answers. */
export function expiredTokenError(protocol: 'json' | 'ec2' | 'query'): AwsError {
  const message = 'The security token included in the request is expired';
  if (protocol === 'json') return new AwsError('ExpiredTokenException', message, 400);
  if (protocol === 'ec2') return new AwsError('RequestExpired', 'Request has expired.', 400);
  return new AwsError('ExpiredToken', message, 400);
}

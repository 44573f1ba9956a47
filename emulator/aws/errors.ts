import { randomUUID } from 'node:crypto';
import { xmlEscape } from './xml';

/**
 * The wire protocols the emulator speaks. Each renders errors differently:
 * - `json`: AWS JSON 1.1 (SSM, KMS): `x-amzn-ErrorType` header and `{"__type": ..., "message": ...}` body.
 * - `ec2`: EC2 Query: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
 * - `query`: AWS Query (STS): `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
export type Protocol = 'json' | 'ec2' | 'query';

/** An error a service handler throws; the server renders it in the protocol of the request. */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** `Sender` (client fault) or `Receiver` (server fault), used by the Query protocol. */
  readonly fault: 'Sender' | 'Receiver';
  constructor(code: string, message: string, status = 400, fault?: 'Sender' | 'Receiver') {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
    this.fault = fault ?? (status >= 500 ? 'Receiver' : 'Sender');
  }
}

export interface RenderedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const XML_NS = {
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
} as const;

export function newRequestId(): string {
  return randomUUID();
}

/** Renders `error` the way the real service does for `protocol`. */
export function renderError(protocol: Protocol, error: AwsError, requestId: string, xmlns?: string): RenderedResponse {
  switch (protocol) {
    case 'json':
      return {
        status: error.status,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': error.code,
        },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    case 'ec2':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body:
          '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<Response><Errors><Error><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message>` +
          `</Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case 'query':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `<ErrorResponse xmlns="${xmlns ?? XML_NS.sts}">\n  <Error>\n    <Type>${error.fault}</Type>\n` +
          `    <Code>${xmlEscape(error.code)}</Code>\n    <Message>${xmlEscape(error.message)}</Message>\n  </Error>\n` +
          `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
      };
  }
}

/**
 * Authentication failures, per protocol, with the codes, messages and HTTP statuses the real services return.
 * SSM/KMS (JSON): 400 UnrecognizedClientException / 400 InvalidSignatureException.
 * EC2: 401 AuthFailure for both an unknown key and a bad signature.
 * STS (Query): 403 InvalidClientTokenId / 403 SignatureDoesNotMatch.
 */
export type AuthFailureKind = 'missing' | 'incomplete' | 'unknown-key' | 'bad-signature' | 'expired' | 'bad-token';

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

export function authError(protocol: Protocol, kind: AuthFailureKind, detail?: string): AwsError {
  switch (protocol) {
    case 'json':
      switch (kind) {
        case 'missing':
          return new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
        case 'incomplete':
          return new AwsError('IncompleteSignatureException', detail ?? 'Incomplete signature', 400);
        case 'unknown-key':
        case 'bad-token':
          return new AwsError('UnrecognizedClientException', INVALID_TOKEN, 400);
        case 'bad-signature':
          return new AwsError('InvalidSignatureException', detail ?? SIGNATURE_MISMATCH, 400);
        case 'expired':
          return new AwsError('InvalidSignatureException', detail ?? 'Signature expired', 400);
      }
      break;
    case 'ec2':
      switch (kind) {
        case 'missing':
          return new AwsError(
            'MissingAuthenticationToken',
            'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.',
            401,
          );
        case 'incomplete':
          return new AwsError('IncompleteSignature', detail ?? 'Incomplete signature', 400);
        case 'unknown-key':
        case 'bad-token':
        case 'bad-signature':
          return new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
        case 'expired':
          return new AwsError('RequestExpired', 'Request has expired.', 400);
      }
      break;
    case 'query':
      switch (kind) {
        case 'missing':
          return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
        case 'incomplete':
          return new AwsError('IncompleteSignature', detail ?? 'Incomplete signature', 400);
        case 'unknown-key':
        case 'bad-token':
          return new AwsError('InvalidClientTokenId', INVALID_TOKEN, 403);
        case 'bad-signature':
          return new AwsError('SignatureDoesNotMatch', detail ?? SIGNATURE_MISMATCH, 403);
        case 'expired':
          return new AwsError('SignatureDoesNotMatch', detail ?? 'Signature expired', 403);
      }
  }
  return new AwsError('InternalFailure', 'internal error', 500);
}

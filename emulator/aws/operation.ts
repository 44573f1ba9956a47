import type { IncomingHttpHeaders } from 'node:http';
import type { Fleet } from '../fleet/fleet';
import { AwsError } from './errors';

/** Who signed the request (never the secret). */
export interface Caller {
  accessKeyId: string;
  accountId: string;
  arn: string;
  userId: string;
}

/** Everything a handler gets besides its input: the verified caller, the scope's region, the fleet. */
export interface OperationContext {
  requestId: string;
  /** Region from the SigV4 credential scope. */
  region: string;
  /** Service from the SigV4 credential scope (`ssm`, `ec2`, `sts`, `kms`). */
  service: string;
  caller: Caller;
  fleet: Fleet;
  headers: IncomingHttpHeaders;
  now: Date;
}

/** A JSON 1.1 operation: parsed request body in, response object out (serialised with JSON.stringify). Throw AwsError. */
export type JsonOperation = (input: Record<string, unknown>, ctx: OperationContext) => unknown;

/** A Query/EC2 operation: form parameters in, a complete XML document out. Throw AwsError. */
export type QueryOperation = (params: URLSearchParams, ctx: OperationContext) => string;

/** Collects constraint violations and throws AWS's ValidationException ("N validation errors detected: ..."). */
export class Violations {
  private readonly items: string[] = [];

  add(message: string): void {
    this.items.push(message);
  }

  /** Integer member with a range, as the JSON services validate it (`path` is the camelCase member path). */
  range(value: unknown, path: string, min: number, max: number): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationError();
    if (value < min)
      this.add(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      );
    if (value > max)
      this.add(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      );
  }

  length(value: { length: number }, shown: string, path: string, min: number, max: number): void {
    if (value.length < min)
      this.add(
        `Value '${shown}' at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
      );
    if (value.length > max)
      this.add(
        `Value '${shown}' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
  }

  enumValue(value: string, path: string, allowed: readonly string[]): void {
    if (!allowed.includes(value)) {
      this.add(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
    }
  }

  required(value: unknown, path: string): boolean {
    if (value === undefined || value === null) {
      this.add(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
      return false;
    }
    return true;
  }

  throwIfAny(): void {
    const n = this.items.length;
    if (n === 0) return;
    throw new AwsError(
      'ValidationException',
      `${n} validation error${n > 1 ? 's' : ''} detected: ${this.items.join('; ')}`,
    );
  }
}

export function serializationError(): AwsError {
  return new AwsError('SerializationException', 'Start of structure or map found where not expected.');
}

/** Narrowing helpers for loosely typed JSON input; a wrong type is a SerializationException, as in AWS. */
export function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError();
  return value;
}

export function optionalArray(value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw serializationError();
  return value;
}

export function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serializationError();
  return value as Record<string, unknown>;
}

export function stringList(value: unknown): string[] {
  const list = optionalArray(value) ?? [];
  return list.map((v) => {
    if (typeof v !== 'string') throw serializationError();
    return v;
  });
}

/**
 * Throttling injection: refuses a share of API calls the way AWS does when a caller exceeds its rate,
 * so clients' retry and backoff can be tested. Per service the real error shape:
 *   SSM / KMS (JSON 1.1): 400 ThrottlingException "Rate exceeded"
 *   EC2:                  503 RequestLimitExceeded "Request limit exceeded."
 *   STS (Query):          400 Throttling "Rate exceeded"
 * Rules match by service, region, operation and caller account (all when omitted); the first matching rule decides.
 * `rate` is the share of matching calls refused (0..1), drawn from a seeded generator (repeatable runs).
 * Runtime control: POST /_emulator/throttle {"rules": [...]} replaces the rules.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from '../aws/errors';

export interface ThrottleRule {
  rate: number;
  services?: string[];
  regions?: string[];
  operations?: string[];
  /** Callers' accounts (the signing credentials' account). */
  accounts?: string[];
}

export class Throttler {
  private rules: ThrottleRule[];
  private state: number;
  /** Calls refused so far (tests and benchmarks report it). */
  refused = 0;

  constructor(rules: readonly ThrottleRule[] = [], seed = 1) {
    this.rules = validate(rules);
    this.state = seed >>> 0;
  }

  setRules(rules: readonly ThrottleRule[]): void {
    this.rules = validate(rules);
  }

  /** The error to answer with, or undefined to serve the call. */
  check(service: string, region: string, operation: string, accountId?: string): AwsError | undefined {
    const rule = this.rules.find(
      (r) =>
        (!r.services || r.services.includes(service)) &&
        (!r.regions || r.regions.includes(region)) &&
        (!r.operations || r.operations.includes(operation)) &&
        (!r.accounts || (accountId !== undefined && r.accounts.includes(accountId))),
    );
    if (!rule || rule.rate <= 0 || this.random() >= rule.rate) return undefined;
    this.refused++;
    if (service === 'ec2') return new AwsError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    if (service === 'sts') return new AwsError('Throttling', 'Rate exceeded', 400);
    return new AwsError('ThrottlingException', 'Rate exceeded', 400);
  }

  /** Handler for `/_emulator/throttle`. */
  readonly admin = (req: IncomingMessage, res: ServerResponse): void => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET') return reply(200, { rules: this.rules, refused: this.refused });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { rules?: ThrottleRule[] };
        this.setRules(input.rules ?? []);
        reply(200, { rules: this.rules });
      } catch (e) {
        reply(400, { error: (e as Error).message });
      }
    });
  };

  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

function validate(rules: readonly ThrottleRule[]): ThrottleRule[] {
  if (!Array.isArray(rules)) throw new Error('rules must be an array');
  for (const r of rules) {
    if (typeof r.rate !== 'number' || !(r.rate >= 0 && r.rate <= 1)) throw new Error('rate must be a number in 0..1');
  }
  return rules.map((r) => ({ ...r }));
}

/**
 * Routes MFA prompts to the UI and back: `prompt` (an MfaPrompt for the CredentialService) announces a request
 * through `announce` (the app emits the `auth.mfaPrompt` event) and waits for `answer(id, code)` (the
 * `auth.mfaAnswer` channel) or a cancel. Unanswered prompts fail after `timeoutMs` (default 5 minutes).
 * Requests for the same profile and device while one is open share it (one dialog, not one per region).
 */
import { randomUUID } from 'node:crypto';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type { Disposable } from '../base/lifecycle';
import type { MfaPrompt } from './credentials';

export interface MfaRequest {
  readonly id: string;
  readonly profile: string;
  readonly serial: string;
}

interface Pending {
  readonly request: MfaRequest;
  readonly promise: Promise<string>;
  resolve(code: string): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class MfaPromptBroker implements Disposable {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly announce: (request: MfaRequest) => void,
    private readonly timeoutMs = 5 * 60 * 1000,
  ) {}

  readonly prompt: MfaPrompt = ({ profile, serial }) => {
    for (const p of this.pending.values()) {
      if (p.request.profile === profile && p.request.serial === serial) return p.promise;
    }
    const request: MfaRequest = { id: randomUUID(), profile, serial };
    let resolve!: (code: string) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<string>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = setTimeout(() => this.settle(request.id, undefined, 'aws.credentials.mfaTimeout'), this.timeoutMs);
    this.pending.set(request.id, { request, promise, resolve, reject, timer });
    this.announce(request);
    return promise;
  };

  /** The open prompts (for a renderer that reloads and must show the dialog again). */
  open(): MfaRequest[] {
    return [...this.pending.values()].map((p) => p.request);
  }

  /** Answers a prompt with a code, or cancels it (`code` undefined). False when no such prompt is open. */
  answer(id: string, code: string | undefined): boolean {
    return this.settle(id, code, 'aws.credentials.mfaCancelled');
  }

  dispose(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, 'aws.credentials.mfaCancelled');
  }

  private settle(
    id: string,
    code: string | undefined,
    reason: 'aws.credentials.mfaCancelled' | 'aws.credentials.mfaTimeout',
  ): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (code !== undefined) {
      p.resolve(code);
    } else {
      const detail = t(reason);
      const params = { profile: p.request.profile, detail };
      p.reject(new PortholeError('CREDENTIALS_MISSING', t('error.CREDENTIALS_MISSING', params), params));
    }
    return true;
  }
}

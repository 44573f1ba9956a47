/**
 * The app's sign-in side, behind the auth.* and profiles.identity channels: identity per profile, SSO device
 * sign-in (one at a time per profile, cancellable) and MFA answers. The renderer sees codes to show and
 * identities, never keys or tokens.
 */
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import type { Disposable } from '../base/lifecycle';
import type { Logger } from '../base/logger';
import type { AwsClientFactory } from './clients';
import type { CredentialService, ProfileIdentity } from './credentials';
import type { MfaPromptBroker, MfaRequest } from './mfaBroker';
import type { Launcher } from '../base/launcher';
import { ssoSignIn, type SsoDeviceCode, type SsoSignInResult } from './ssoSignIn';

export interface AuthServiceDeps {
  readonly credentials: CredentialService;
  readonly clients: AwsClientFactory;
  readonly mfa: MfaPromptBroker;
  readonly launcher: Pick<Launcher, 'openExternal'>;
  readonly env: NodeJS.ProcessEnv;
  readonly endpointUrl?: string;
  readonly logger?: Logger;
  /** The region identity calls use for a profile (its configured region); default us-east-1. */
  readonly regionOf?: (profile: string) => Promise<string | undefined>;
}

export class AuthService implements Disposable {
  private readonly signIns = new Map<string, AbortController>();

  constructor(private readonly deps: AuthServiceDeps) {}

  async identity(profile: string): Promise<ProfileIdentity> {
    const region = (await this.deps.regionOf?.(profile).catch(() => undefined)) ?? 'us-east-1';
    return this.deps.credentials.identity(profile, this.deps.clients, region);
  }

  async ssoSignIn(profile: string, onCode: (code: SsoDeviceCode) => void): Promise<SsoSignInResult> {
    if (this.signIns.has(profile)) {
      const detail = t('aws.sso.failed', { detail: 'a sign-in for this profile is already running' });
      throw new PortholeError('SSO_SIGN_IN_REQUIRED', t('error.SSO_SIGN_IN_REQUIRED', { profile }), {
        profile,
        detail,
      });
    }
    const controller = new AbortController();
    this.signIns.set(profile, controller);
    try {
      const result = await ssoSignIn(
        profile,
        {
          env: this.deps.env,
          launcher: this.deps.launcher,
          ...(this.deps.endpointUrl ? { endpointUrl: this.deps.endpointUrl } : {}),
          ...(this.deps.logger ? { logger: this.deps.logger } : {}),
        },
        { onCode, signal: controller.signal },
      );
      // Every profile on this SSO session (and roles built on them) resolves again with the new token.
      this.deps.credentials.invalidate();
      return result;
    } finally {
      this.signIns.delete(profile);
    }
  }

  cancelSignIn(profile: string): boolean {
    const controller = this.signIns.get(profile);
    controller?.abort(new Error('cancelled'));
    return controller !== undefined;
  }

  mfaAnswer(id: string, code: string | undefined): boolean {
    return this.deps.mfa.answer(id, code);
  }

  mfaPrompts(): MfaRequest[] {
    return this.deps.mfa.open();
  }

  dispose(): void {
    for (const c of this.signIns.values()) c.abort(new Error('disposed'));
    this.signIns.clear();
    this.deps.mfa.dispose();
  }
}

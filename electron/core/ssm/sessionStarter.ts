/**
 * SSM control-plane glue (fact sheet §1, §8): StartSession, the data channel with ResumeSession on drops,
 * TerminateSession on close. This is what the CLI (`porthole shell/exec`) and the app call.
 */
import { randomUUID } from 'node:crypto';
import {
  ResumeSessionCommand,
  StartSessionCommand,
  TerminateSessionCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { KMSClient } from '@aws-sdk/client-kms';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import { toPortholeError } from '../aws/errors';
import type { Disposable } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';
import {
  DataChannel,
  DataChannelClosedError,
  type DataChannelEnd,
  type DataChannelOptions,
  type ResumeResult,
} from './dataChannel';
import { kmsDataKeySource, type DataKeySource } from './encryption';
import { ShellSession, type ShellSessionOptions } from './session';

export interface SessionTarget {
  profile: string;
  region: string;
  /** Instance id (or managed node id) as StartSession expects it. */
  target: string;
}

export interface StartShellRequest extends SessionTarget {
  /** Default: the account's SSM-SessionManagerRunShell. */
  documentName?: string;
  parameters?: Record<string, string[]>;
  reason?: string;
  /** Sent as soon as the session is ready. */
  initialSize?: { cols: number; rows: number };
}

export interface SessionStarterDeps {
  /** Usually the AwsClientFactory (`clients.ssm({profile, region})`). */
  clients: {
    ssm(q: { profile: string; region: string }): Pick<SSMClient, 'send'>;
    kms(q: { profile: string; region: string }): Pick<KMSClient, 'send'>;
  };
  logger?: Logger;
  /** Per-process client id, kept for every session and reconnect (§1.4). */
  clientId?: string;
  /** Overrides for tests and benchmarks (timeouts, windows, reconnect budget). */
  channelOptions?: Partial<DataChannelOptions>;
  /** Overrides the KMS data-key source (tests). */
  dataKeys?: DataKeySource;
  sessionOptions?: Partial<Pick<ShellSessionOptions, 'firstMessageGraceMs' | 'maxPendingInputBytes'>>;
}

/** What {@link SessionStarter.startChannel} gives: a started session's channel (not yet open). */
export interface StartedChannel {
  sessionId: string;
  channel: DataChannel;
  /** TerminateSession for this session. */
  terminate: () => Promise<void>;
}

export const Documents = {
  shell: 'SSM-SessionManagerRunShell',
  interactiveCommand: 'AWS-StartInteractiveCommand',
  nonInteractiveCommand: 'AWS-StartNonInteractiveCommand',
} as const;

/** Parameters for `porthole exec`: a non-interactive command with stdout and stderr kept apart (and the exit code). */
export function execRequest(command: string): { documentName: string; parameters: Record<string, string[]> } {
  return {
    documentName: Documents.nonInteractiveCommand,
    parameters: { command: [command], separateOutputStream: ['true'] },
  };
}

export class SessionStarter {
  private readonly log: Logger;
  private readonly clientId: string;

  constructor(private readonly deps: SessionStarterDeps) {
    this.log = deps.logger ?? silentLogger;
    this.clientId = deps.clientId ?? randomUUID();
  }

  /**
   * StartSession + open the data channel. Resolves with a session whose channel is open (the handshake, if any,
   * continues in the background; input written meanwhile waits). Throws PortholeError with a stable code.
   */
  async start(request: StartShellRequest): Promise<ShellSession> {
    const { sessionId, channel, terminate } = await this.startChannel(request);
    const { profile, region, target } = request;
    const session = new ShellSession({
      sessionId,
      targetId: target,
      channel,
      dataKeys: this.deps.dataKeys ?? kmsDataKeySource(this.deps.clients.kms({ profile, region })),
      terminateApi: terminate,
      logger: this.log,
      expectExitCode: request.parameters?.separateOutputStream?.[0] === 'true',
      ...this.deps.sessionOptions,
    });
    if (request.initialSize)
      void session.resize(request.initialSize.cols, request.initialSize.rows).catch(() => undefined);
    await openSessionChannel({ channel, session, terminate });
    return session;
  }

  /**
   * StartSession and a {@link DataChannel} for it, not opened yet, with ResumeSession wired for drops: the session
   * kind attaches its handler, then opens it ({@link openSessionChannel}). `terminate` calls TerminateSession.
   * Throws PortholeError with a stable code.
   */
  async startChannel(request: StartShellRequest): Promise<StartedChannel> {
    const { profile, region, target } = request;
    const ssm = this.deps.clients.ssm({ profile, region });
    let started: { SessionId?: string; TokenValue?: string; StreamUrl?: string };
    try {
      started = await ssm.send(
        new StartSessionCommand({
          Target: target,
          ...(request.documentName ? { DocumentName: request.documentName } : {}),
          ...(request.parameters ? { Parameters: request.parameters } : {}),
          ...(request.reason ? { Reason: request.reason } : {}),
        }),
      );
    } catch (e) {
      throw this.startError(e, request);
    }
    const { SessionId: sessionId, TokenValue: token, StreamUrl: streamUrl } = started;
    if (!sessionId || !token || !streamUrl) {
      const detail = 'StartSession returned no stream URL or token';
      throw new PortholeError('SESSION_FAILED', t('error.SESSION_FAILED', { detail }), { detail });
    }
    this.log.info('session started', { sessionId, target, document: request.documentName });
    const terminate = async () => {
      await ssm.send(new TerminateSessionCommand({ SessionId: sessionId }));
    };
    const channel = new DataChannel({
      streamUrl,
      token,
      sessionId,
      clientId: this.clientId,
      logger: this.log,
      resume: () => this.resume(ssm, sessionId),
      ...this.deps.channelOptions,
    });
    return { sessionId, channel, terminate };
  }

  private async resume(ssm: Pick<SSMClient, 'send'>, sessionId: string): Promise<ResumeResult> {
    try {
      const out = await ssm.send(new ResumeSessionCommand({ SessionId: sessionId }));
      if (!out.TokenValue) return { kind: 'ended', reason: `Session ${sessionId} timed out.` };
      return { kind: 'token', token: out.TokenValue };
    } catch (e) {
      const name = (e as { name?: unknown }).name;
      if (name === 'DoesNotExistException') return { kind: 'ended', reason: `Session ${sessionId} no longer exists.` };
      throw e;
    }
  }

  private startError(e: unknown, request: StartShellRequest): PortholeError {
    const name = (e as { name?: unknown }).name;
    if (name === 'TargetNotConnected') {
      return new PortholeError('TARGET_NOT_CONNECTED', t('error.TARGET_NOT_CONNECTED', { target: request.target }), {
        target: request.target,
      });
    }
    if (name === 'InvalidDocument') {
      const document = request.documentName ?? Documents.shell;
      return new PortholeError('INVALID_DOCUMENT', t('error.INVALID_DOCUMENT', { document }), { document });
    }
    return toPortholeError(e, { profile: request.profile, region: request.region, operation: 'StartSession' });
  }
}

/**
 * Opens a started session's channel (its handler attached). If it cannot open, the session is disposed,
 * TerminateSession is called and a SESSION_FAILED PortholeError says why.
 */
export async function openSessionChannel(started: {
  channel: DataChannel;
  session: Disposable;
  terminate: () => Promise<void>;
}): Promise<void> {
  try {
    await started.channel.open();
  } catch (e) {
    started.session.dispose();
    await started.terminate().catch(() => undefined);
    const detail =
      e instanceof DataChannelClosedError ? describeEnd(e.end) : e instanceof Error ? e.message : String(e);
    throw new PortholeError('SESSION_FAILED', t('error.SESSION_FAILED', { detail }), { detail });
  }
}

/** One sentence for a channel end, for error messages and the CLI. */
export function describeEnd(end: DataChannelEnd | undefined): string {
  if (!end) return 'the connection closed';
  switch (end.kind) {
    case 'channel-closed':
      return end.output || 'the session ended';
    case 'closed-by-client':
      return 'closed';
    default:
      return end.detail;
  }
}

import { ResumeSessionCommand, StartSessionCommand, TerminateSessionCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import { PayloadType } from './message';
import type { ShellSession } from './session';
import { SessionStarter, execRequest } from './sessionStarter';
import { FakePeer } from './test/fakePeer';

let peers: FakePeer[] = [];
let sessions: ShellSession[] = [];
afterEach(async () => {
  for (const s of sessions) s.dispose();
  for (const p of peers) await p.close();
  peers = [];
  sessions = [];
});

interface Call {
  op: string;
  input: Record<string, unknown>;
}

function awsError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

async function setup(behaviour: { start?: () => unknown; resume?: () => unknown; terminate?: () => unknown } = {}) {
  const peer = await new FakePeer().listening();
  peers.push(peer);
  const calls: Call[] = [];
  let tokens = 0;
  const ssm = {
    send: async (command: unknown) => {
      const input = (command as { input: Record<string, unknown> }).input;
      if (command instanceof StartSessionCommand) {
        calls.push({ op: 'StartSession', input });
        if (behaviour.start) return behaviour.start();
        return { SessionId: 'sess-1', TokenValue: 'token-0', StreamUrl: peer.url };
      }
      if (command instanceof ResumeSessionCommand) {
        calls.push({ op: 'ResumeSession', input });
        if (behaviour.resume) return behaviour.resume();
        return { SessionId: 'sess-1', TokenValue: `token-${++tokens}`, StreamUrl: peer.url };
      }
      if (command instanceof TerminateSessionCommand) {
        calls.push({ op: 'TerminateSession', input });
        if (behaviour.terminate) return behaviour.terminate();
        peer.sendChannelClosed('');
        return { SessionId: 'sess-1' };
      }
      throw new Error('unexpected command');
    },
  };
  const starter = new SessionStarter({
    clients: { ssm: () => ssm as never, kms: () => ({ send: async () => ({}) }) as never },
    channelOptions: { reconnect: { initialDelayMs: 5, maxAttempts: 3 } },
    sessionOptions: { firstMessageGraceMs: 50 },
  });
  return { peer, calls, starter };
}

const where = { profile: 'default', region: 'ap-northeast-1', target: 'i-0123456789abcdef0' };

describe('SessionStarter', () => {
  it('starts a session with the document and parameters, opening the channel with the StartSession token', async () => {
    const { peer, calls, starter } = await setup();
    const session = await starter.start({ ...where, ...execRequest('echo hi; exit 3') });
    sessions.push(session);
    expect(calls[0]).toEqual({
      op: 'StartSession',
      input: {
        Target: 'i-0123456789abcdef0',
        DocumentName: 'AWS-StartNonInteractiveCommand',
        Parameters: { command: ['echo hi; exit 3'], separateOutputStream: ['true'] },
      },
    });
    await peer.until(() => peer.opens.length === 1);
    expect(peer.opens[0]!.TokenValue).toBe('token-0');
    expect(session.sessionId).toBe('sess-1');
  });

  it('resumes with ResumeSession after a drop and keeps the stream whole', async () => {
    const { peer, calls, starter } = await setup();
    const session = await starter.start(where);
    sessions.push(session);
    const out: string[] = [];
    session.onDidOutput((b) => out.push(new TextDecoder().decode(b)));
    await peer.until(() => peer.socket !== undefined);
    peer.sendOutput(PayloadType.Output, 'one ');
    await peer.until(() => out.length === 1);
    peer.dropConnection();
    await peer.until(() => peer.opens.length === 2 && peer.socket !== undefined, 5000, 'resume');
    peer.sendOutput(PayloadType.Output, 'two');
    await peer.until(() => out.length === 2);
    expect(out.join('')).toBe('one two');
    expect(calls.map((c) => c.op)).toEqual(['StartSession', 'ResumeSession']);
    expect(peer.opens[1]!.TokenValue).toBe('token-1');
  });

  it('ends the session with a clear reason when ResumeSession says it no longer exists', async () => {
    const { peer, starter } = await setup({
      resume: () => Promise.reject(awsError('DoesNotExistException', 'Session sess-1 does not exist')),
    });
    const session = await starter.start(where);
    sessions.push(session);
    await peer.until(() => peer.socket !== undefined);
    peer.dropConnection();
    const end = await session.ended;
    expect(end).toEqual({ kind: 'failed', message: 'Session sess-1 no longer exists.' });
  });

  it('terminate() calls TerminateSession', async () => {
    const { peer, calls, starter } = await setup();
    const session = await starter.start(where);
    sessions.push(session);
    await peer.until(() => peer.socket !== undefined);
    const end = await session.terminate();
    expect(calls.map((c) => c.op)).toEqual(['StartSession', 'TerminateSession']);
    expect(calls[1]!.input).toEqual({ SessionId: 'sess-1' });
    expect(end.kind).toBe('ended');
  });

  it('maps TargetNotConnected and InvalidDocument to stable codes', async () => {
    const a = await setup({ start: () => Promise.reject(awsError('TargetNotConnected', 'i-0123 is not connected.')) });
    const e1 = await a.starter.start(where).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(PortholeError);
    expect((e1 as PortholeError).code).toBe('TARGET_NOT_CONNECTED');
    expect((e1 as PortholeError).message).toContain('i-0123456789abcdef0');

    const b = await setup({ start: () => Promise.reject(awsError('InvalidDocument', 'Document Nope does not exist')) });
    const e2 = await b.starter.start({ ...where, documentName: 'Nope' }).catch((e: unknown) => e);
    expect((e2 as PortholeError).code).toBe('INVALID_DOCUMENT');
    expect((e2 as PortholeError).message).toContain('Nope');
  });

  it('fails with SESSION_FAILED (and terminates) when the stream cannot be opened', async () => {
    const { calls, starter } = await setup({
      start: () => ({ SessionId: 'sess-9', TokenValue: 't', StreamUrl: 'ws://127.0.0.1:1/v1/data-channel/sess-9' }),
      terminate: () => ({ SessionId: 'sess-9' }),
    });
    const e = await starter.start(where).catch((x: unknown) => x);
    expect((e as PortholeError).code).toBe('SESSION_FAILED');
    expect(calls.map((c) => c.op)).toEqual(['StartSession', 'TerminateSession']);
  });
});

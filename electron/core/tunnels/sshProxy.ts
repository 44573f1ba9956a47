/**
 * `porthole ssh-proxy <target> <port>`: stdin/stdout over AWS-StartSSHSession (fact sheet §7.5), for `ProxyCommand`
 * in ~/.ssh/config. Bytes go through untouched both ways, with back-pressure (stdout that cannot keep up pauses the
 * session's delivery; a slow channel pauses stdin). Ends when the destination closes (the agent ends the session),
 * or when stdin ends (the session is terminated).
 */
import type { Readable, Writable } from 'node:stream';
import type { SessionEnd } from '../ssm/session';
import { sshParameters, type OpenPortSession } from '../ssm/portSessionStarter';
import type { SessionTarget } from '../ssm/sessionStarter';

export interface SshProxyOptions extends SessionTarget {
  /** Port on the instance (sshd), default 22. */
  port?: number;
  openPortSession: OpenPortSession;
  input: Readable;
  output: Writable;
}

/** Runs until the session ends; resolves with how it ended. Starting errors are thrown (PortholeError). */
export async function runSshProxy(options: SshProxyOptions): Promise<SessionEnd> {
  const { documentName, parameters } = sshParameters(options.port ?? 22);
  const session = await options.openPortSession({
    profile: options.profile,
    region: options.region,
    target: options.target,
    documentName,
    parameters,
  });
  const { input, output } = options;
  try {
    const conn = await session.openConnection();
    const outputDone = new Promise<void>((resolve) => {
      conn.onDidData((data) => {
        if (!output.write(data)) {
          conn.pause();
          output.once('drain', () => conn.resume());
        }
      });
      conn.onDidEnd(() => {
        conn.close();
        resolve();
      });
      conn.onDidClose(() => resolve());
    });
    const onData = (chunk: Buffer) => {
      input.pause();
      conn.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)).then(
        () => input.resume(),
        () => undefined,
      );
    };
    const onEnd = () => void session.terminate();
    input.on('data', onData);
    input.once('end', onEnd);
    input.resume();
    const end = await session.ended;
    await Promise.race([outputDone, new Promise((r) => setTimeout(r, 1000).unref())]);
    input.off('data', onData);
    input.off('end', onEnd);
    input.pause();
    return end;
  } catch (e) {
    if (session.end) return session.end;
    throw e;
  } finally {
    session.dispose();
  }
}

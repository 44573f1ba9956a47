/**
 * Port-session helpers for the emulator's tests, written from the fact sheet's CLIENT side (§7.3–§7.7): an smux v1
 * client over the test data-channel client's Output byte stream, and raw byte helpers for basic / standard-stream
 * forwarding. Shares only the codec and the generic smux implementation with electron/core/ssm.
 */
import { createHash } from 'node:crypto';
import { SmuxSession, type SmuxKeepAlive, type SmuxStream } from '../../electron/core/ssm/smux';
import type { TestDataChannelClient } from './test-client';

/**
 * An smux client whose bytes travel as Output messages (≤ 1024 bytes each). smux writes headers and data
 * separately; they are gathered per tick so a frame does not become two tiny messages.
 */
export function muxOverChannel(client: TestDataChannelClient, keepAlive: false | Partial<SmuxKeepAlive> = false) {
  let deliver: (bytes: Uint8Array) => void = () => undefined;
  let pending: Uint8Array[] = [];
  const flush = () => {
    const bytes = Buffer.concat(pending);
    pending = [];
    client.type(bytes);
  };
  const smux = new SmuxSession(
    {
      write: (bytes) => {
        if (pending.length === 0) queueMicrotask(flush);
        pending.push(Buffer.from(bytes));
      },
      onData: (listener) => {
        deliver = listener;
      },
    },
    { role: 'client', keepAlive },
  );
  client.onOutput = (bytes) => deliver(bytes);
  return smux;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Writes `data` to a stream (awaiting smux's send queue) and collects `expect` bytes back; resolves on FIN too. */
export async function streamRoundTrip(stream: SmuxStream, data: Uint8Array, expect = data.length): Promise<Buffer> {
  const received: Buffer[] = [];
  let got = 0;
  const done = new Promise<void>((resolve, reject) => {
    stream.onDidData((chunk) => {
      received.push(Buffer.from(chunk));
      got += chunk.length;
      if (got >= expect) resolve();
    });
    stream.onDidEnd(() => resolve());
    stream.onDidClose((e) => (e ? reject(e) : resolve()));
  });
  for (let off = 0; off < data.length; off += 64 * 1024) {
    await stream.write(data.subarray(off, Math.min(off + 64 * 1024, data.length)));
  }
  await done;
  return Buffer.concat(received);
}

/** Resolves when the stream ends (FIN from the agent) or closes. */
export function streamEnded(stream: SmuxStream): Promise<void> {
  return new Promise((resolve) => {
    stream.onDidData(() => undefined);
    stream.onDidEnd(() => resolve());
    stream.onDidClose(() => resolve());
  });
}

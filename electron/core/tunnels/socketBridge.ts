/**
 * Copies bytes between a local TCP socket and a {@link PortConnection}, both ways, with back-pressure on each side
 * (a slow local reader pauses the connection; a slow channel pauses the socket). As the plugin does (§7.6), when
 * either direction ends both are closed: smux has no half-close.
 */
import type net from 'node:net';
import type { PortConnection } from '../ssm/portSession';

export interface BridgeCounters {
  /** Bytes from the remote side written to the socket. */
  onIn(n: number): void;
  /** Bytes from the socket sent to the remote side. */
  onOut(n: number): void;
}

/** Resolves when both are closed. */
export function bridgeSocket(socket: net.Socket, conn: PortConnection, counters: BridgeCounters): Promise<void> {
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = (how: 'end' | 'reset' | 'destroy') => {
      if (done) return;
      done = true;
      conn.close();
      if (how === 'reset' && !socket.destroyed) socket.resetAndDestroy();
      else if (how === 'end' && !socket.destroyed) socket.end();
      else socket.destroy();
      resolve();
    };
    socket.on('error', () => finish('destroy'));
    socket.on('close', () => finish('destroy'));
    socket.on('end', () => finish('end'));
    socket.on('data', (chunk: Buffer) => {
      counters.onOut(chunk.length);
      socket.pause();
      conn.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)).then(
        () => {
          if (!done) socket.resume();
        },
        () => finish('destroy'),
      );
    });
    conn.onDidData((data) => {
      counters.onIn(data.length);
      if (!socket.write(data)) {
        conn.pause();
        socket.once('drain', () => conn.resume());
      }
    });
    // The destination ended (or could not be reached: reset, so the local client sees a failure, not an empty reply).
    conn.onDidEnd(() => finish(conn.failure ? 'reset' : 'end'));
    conn.onDidClose((error) => finish(error ? 'destroy' : 'end'));
    socket.resume();
  });
}

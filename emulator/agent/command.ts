/**
 * NonInteractiveCommands on the agent (fact sheet §10.2): the command runs without a PTY. With
 * `separateOutputStream`, stdout goes out as Output (1) and stderr as StdErr (11) while the command runs,
 * each message led by its optional separator prefix, then ExitCode (12) `EXIT_CODE: <n>`; without it, the
 * combined output is sent once the command has finished. Size is ignored; incoming Output bytes are only
 * scanned for 0x03 (SIGINT) and 0x1c (SIGQUIT).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PayloadType, type ClientMessage } from '../../electron/core/ssm/message';
import type { HandlerResult } from './channel';
import type { PluginContext, SessionPlugin } from './plugin';

export interface CommandPluginOptions {
  command: string;
  shell: string;
  separateOutputStream: boolean;
  cwd: string;
  env: Record<string, string>;
}

export class CommandPlugin implements SessionPlugin {
  readonly requiresHandshake = true;
  readonly handshakeProperties = null;
  private child: ChildProcess | undefined;
  private disposed = false;

  constructor(private readonly options: CommandPluginOptions) {}

  start(context: PluginContext): void {
    const o = this.options;
    if (o.command.trim() === '') {
      context.finish({ ok: false, reason: 'Commands cannot be empty for session type NonInteractiveCommands' });
      return;
    }
    const child = spawn(o.shell, ['-c', o.command], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const combined: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => {
      if (o.separateOutputStream) context.output(PayloadType.Output, d);
      else combined.push(d);
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (o.separateOutputStream) context.output(PayloadType.StdErr, d);
      else combined.push(d);
    });
    let settled = false;
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      this.child = undefined;
      // Startup errors go out as StdErr text (§10.2).
      context.output(PayloadType.StdErr, Buffer.from(`${e.message}\n`, 'utf8'));
      if (o.separateOutputStream) context.output(PayloadType.ExitCode, Buffer.from('EXIT_CODE: 127', 'utf8'));
      context.finish({ ok: true });
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      this.child = undefined;
      if (this.disposed) return;
      if (!o.separateOutputStream && combined.length > 0) context.output(PayloadType.Output, Buffer.concat(combined));
      if (o.separateOutputStream) {
        const exitCode = code ?? (signal ? 128 + signalNumber(signal) : 1);
        context.output(PayloadType.ExitCode, Buffer.from(`EXIT_CODE: ${exitCode}`, 'utf8'));
      }
      context.finish({ ok: true });
    });
  }

  handleInput(message: ClientMessage, payload: Uint8Array): HandlerResult {
    const child = this.child;
    if (!child) return 'not-ready';
    if (message.payloadType !== PayloadType.Output) return 'ok';
    for (const b of payload) {
      if (b === 0x03) child.kill('SIGINT');
      else if (b === 0x1c) child.kill('SIGQUIT');
    }
    return 'ok';
  }

  pauseSource(paused: boolean): void {
    const child = this.child;
    if (!child) return;
    if (paused) {
      child.stdout?.pause();
      child.stderr?.pause();
    } else {
      child.stdout?.resume();
      child.stderr?.resume();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return table[signal] ?? 0;
}

/** Every `porthole` command, in help order. A new command is a module in this folder plus one line here. */
import { CommandRegistry } from '../command';
import { doctorCommand } from './doctor';
import { execCommand } from './exec';
import { forwardCommand } from './forward';
import { listCommand } from './list';
import { rdpCommand } from './rdp';
import { shellCommand } from './shell';
import { sshProxyCommand } from './ssh-proxy';

export function builtinCommands(): CommandRegistry {
  return new CommandRegistry()
    .add(listCommand)
    .add(shellCommand)
    .add(execCommand)
    .add(forwardCommand)
    .add(sshProxyCommand)
    .add(rdpCommand)
    .add(doctorCommand);
}

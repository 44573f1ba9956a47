/** Every `porthole` command, in help order. A new command is a module in this folder plus one line here. */
import { CommandRegistry } from '../command';
import { listCommand } from './list';

export function builtinCommands(): CommandRegistry {
  return new CommandRegistry().add(listCommand);
}

/**
 * What a `porthole` command is. Each command is its own module under ./commands and is listed once in
 * ./commands/index.ts; main.ts parses the command line from the command's option table, prints help from
 * it, and maps errors to exit codes. Commands import heavy code (AWS SDK, sessions) lazily inside `run`
 * so `porthole --help` starts fast.
 */
import type { ErrorCode } from '../../shared/errors';
import type { Locale, MessageKey } from '../../shared/i18n/catalog';
import type { AwsClientFactory, AwsClientFactoryOptions } from '../core/aws/clients';
import type { Logger } from '../core/base/logger';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Help text. */
  readonly description: MessageKey;
  /** Placeholder shown in help for string options (`--region <region>`). */
  readonly valueName?: MessageKey;
}

export type ParsedValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedArgs {
  readonly values: ParsedValues;
  readonly positionals: readonly string[];
}

/** What a command can use; main.ts builds the real one, tests build their own. */
export interface CommandContext {
  readonly env: NodeJS.ProcessEnv;
  readonly locale: Locale;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Makes the AWS client factory (the CLI's composition root for AWS); the command disposes it. */
  readonly createAwsClients: (options: AwsClientFactoryOptions) => Promise<AwsClientFactory>;
  /** Logger to stderr when --debug is set, silent otherwise. */
  readonly logger: (debug: boolean) => Logger;
  /** Width of the terminal stdout writes to, when it is one. */
  readonly columns?: number;
}

export interface TextSink {
  write(text: string): void;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: MessageKey;
  readonly description?: MessageKey;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Whether the command takes positional arguments (e.g. a target); default false. */
  readonly allowPositionals?: boolean;
  /** Runs the command; returns the exit code. Throws UsageError for bad input, PortholeError for the rest. */
  run(ctx: CommandContext, args: ParsedArgs): Promise<number>;
}

/** Bad command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  readonly key: MessageKey;
  readonly params: Readonly<Record<string, string>>;
  /** When the problem is an error code's (e.g. REGION_INVALID), the catalog text of that code is used. */
  readonly code?: ErrorCode;
  constructor(key: MessageKey, params: Record<string, string> = {}, code?: ErrorCode) {
    super(key);
    this.name = 'UsageError';
    this.key = key;
    this.params = params;
    if (code) this.code = code;
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Keeps command names unique and in the order they were added. */
export class CommandRegistry {
  private readonly commands = new Map<string, CliCommand>();

  add(command: CliCommand): this {
    if (this.commands.has(command.name)) throw new Error(`command "${command.name}" is registered twice`);
    this.commands.set(command.name, command);
    return this;
  }

  get(name: string): CliCommand | undefined {
    return this.commands.get(name);
  }

  all(): CliCommand[] {
    return [...this.commands.values()];
  }
}

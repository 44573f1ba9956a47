/**
 * The `porthole` command line: composition root and dispatcher. Parses with node:util parseArgs from
 * each command's option table; exit codes 0 ok, 1 failure (AWS, runtime), 2 bad command line.
 * Messages come from the catalog in the user's locale (LC_ALL / LC_MESSAGES / LANG); no stack traces.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PortholeError } from '../../shared/errors';
import { pickLocale, t, type Locale } from '../../shared/i18n/catalog';
import type { AwsClientFactoryOptions } from '../core/aws/clients';
import { silentLogger, streamLogger } from '../core/base/logger';
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type CliCommand,
  type CommandContext,
  type CommandRegistry,
  type OptionSpec,
} from './command';
import { builtinCommands } from './commands/index';
import { padToWidth, stringWidth } from './table';

const helpOption: OptionSpec = { type: 'boolean', short: 'h', description: 'cli.option.help' };
const versionOption: OptionSpec = { type: 'boolean', short: 'V', description: 'cli.option.version' };

export interface MainOptions {
  env?: NodeJS.ProcessEnv;
  stdout?: CommandContext['stdout'];
  stderr?: CommandContext['stderr'];
  columns?: number;
  registry?: CommandRegistry;
  /** Replaces the real AWS client factory (tests). */
  createAwsClients?: CommandContext['createAwsClients'];
}

export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const locale = pickLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG);
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const registry = options.registry ?? builtinCommands();
  const say = (sink: CommandContext['stdout'], text: string) => sink.write(text.endsWith('\n') ? text : text + '\n');
  const fail = (message: string) => say(stderr, t('cli.error.prefix', { message }, locale));

  const [first, ...rest] = argv;
  if (first === undefined) {
    say(stderr, globalHelp(registry, locale));
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const named = first === 'help' ? rest[0] : undefined;
    const command = named ? registry.get(named) : undefined;
    if (named && !command) {
      fail(t('cli.error.unknownCommand', { command: named }, locale));
      say(stderr, t('cli.error.seeHelp', undefined, locale));
      return EXIT_USAGE;
    }
    say(stdout, command ? commandHelp(command, locale) : globalHelp(registry, locale));
    return EXIT_OK;
  }
  if (first === '--version' || first === '-V') {
    say(stdout, t('cli.version', { version: version() }, locale));
    return EXIT_OK;
  }
  const command = registry.get(first);
  if (!command) {
    fail(
      first.startsWith('-')
        ? t('cli.error.unknownOption', { option: first }, locale)
        : t('cli.error.unknownCommand', { command: first }, locale),
    );
    say(stderr, t('cli.error.seeHelp', undefined, locale));
    return EXIT_USAGE;
  }

  const ctx: CommandContext = {
    env,
    locale,
    stdout,
    stderr,
    ...(options.columns !== undefined ? { columns: options.columns } : {}),
    // The AWS SDK is loaded only when a command needs it, so `--help` starts fast.
    createAwsClients:
      options.createAwsClients ??
      (async (o: AwsClientFactoryOptions) => (await import('../core/aws/clients')).createAwsClientFactory(o)),
    logger: (debug) => (debug ? streamLogger((line) => stderr.write(line + '\n'), 'debug') : silentLogger),
  };

  try {
    const parsed = parseArgs({
      args: [...rest],
      options: toParseArgs({ ...command.options, help: helpOption }),
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    if (parsed.values.help === true) {
      say(stdout, commandHelp(command, locale));
      return EXIT_OK;
    }
    return await command.run(ctx, { values: parsed.values, positionals: parsed.positionals });
  } catch (error) {
    if (error instanceof UsageError) {
      fail(error.code ? t(`error.${error.code}`, error.params, locale) : t(error.key, error.params, locale));
      say(stderr, t('cli.error.seeCommandHelp', { command: command.name }, locale));
      return EXIT_USAGE;
    }
    const usage = parseArgsProblem(error, locale);
    if (usage) {
      fail(usage);
      say(stderr, t('cli.error.seeCommandHelp', { command: command.name }, locale));
      return EXIT_USAGE;
    }
    if (error instanceof PortholeError) {
      // The English text was written by the service with the same params; localise by code.
      fail(locale === 'en' ? error.message : t(`error.${error.code}`, error.params ?? {}, locale));
      return EXIT_FAILURE;
    }
    const { redactSecrets } = await import('../core/aws/errors');
    fail(
      t('error.INTERNAL', { detail: redactSecrets(error instanceof Error ? error.message : String(error)) }, locale),
    );
    return EXIT_FAILURE;
  }
}

function toParseArgs(options: Readonly<Record<string, OptionSpec>>): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(options)) {
    out[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  return out;
}

/** Turns node:util parseArgs errors into catalog sentences. */
function parseArgsProblem(error: unknown, locale: Locale): string | undefined {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return t('cli.error.unknownOption', { option: quoted.startsWith('-') ? quoted : `--${quoted}` }, locale);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return t('cli.error.missingValue', { option: optionName(quoted) }, locale);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return t('cli.error.unexpectedArgument', { argument: quoted }, locale);
    default:
      return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
        ? t('cli.error.badArguments', { detail: message }, locale)
        : undefined;
  }
}

function optionName(quoted: string): string {
  const long = /--[\w-]+/.exec(quoted)?.[0];
  return long ?? quoted;
}

function globalHelp(registry: CommandRegistry, locale: Locale): string {
  const commands = registry.all();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    t('cli.help.intro', undefined, locale),
    '',
    t('cli.usage', undefined, locale),
    '',
    t('cli.help.commands', undefined, locale),
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${t(c.summary, undefined, locale)}`),
    '',
    t('cli.help.options', undefined, locale),
    ...optionLines({ help: helpOption, version: versionOption }, locale),
    '',
    t('cli.help.more', undefined, locale),
    t('cli.help.exitCodes', undefined, locale),
  ].join('\n');
}

function commandHelp(command: CliCommand, locale: Locale): string {
  return [
    t('cli.commandUsage', { command: command.name }, locale),
    '',
    t(command.description ?? command.summary, undefined, locale),
    '',
    t('cli.help.options', undefined, locale),
    ...optionLines({ ...command.options, help: helpOption }, locale),
    '',
    t('cli.help.exitCodes', undefined, locale),
  ].join('\n');
}

function optionLines(options: Readonly<Record<string, OptionSpec>>, locale: Locale): string[] {
  const heads = Object.entries(options).map(([name, spec]) => {
    const value = spec.type === 'string' ? ` <${t(spec.valueName ?? 'cli.value.name', undefined, locale)}>` : '';
    const short = spec.short ? `-${spec.short}, ` : '    ';
    return { head: `${short}--${name}${value}`, spec };
  });
  const width = Math.max(...heads.map((h) => stringWidth(h.head)));
  return heads.map(({ head, spec }) => `  ${padToWidth(head, width)}  ${t(spec.description, undefined, locale)}`);
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

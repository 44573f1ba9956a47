/**
 * The one message catalog. Every user-visible string (app, CLI, errors) is a key here.
 * Messages are grouped into modules under ./messages; each module gives English (complete)
 * and Japanese (may be partial: missing keys fall back to English).
 * Placeholders are written {name} and filled from params.
 */
import { appMessages } from './messages/app';
import { awsMessages } from './messages/aws';
import { cliMessages } from './messages/cli';
import { doctorMessages } from './messages/doctor';
import { errorMessages } from './messages/errors';
import { fleetMessages } from './messages/fleet';
import { hostMessages } from './messages/host';
import { queryMessages } from './messages/query';
import { terminalMessages } from './messages/terminal';
import { toolsMessages } from './messages/tools';
import { tunnelMessages } from './messages/tunnels';

export type Locale = 'en' | 'ja';
export const LOCALES: readonly Locale[] = ['en', 'ja'];

export interface MessageModule<K extends string> {
  readonly en: Readonly<Record<K, string>>;
  readonly ja: Readonly<Partial<Record<K, string>>>;
}

const modules = [
  appMessages,
  awsMessages,
  cliMessages,
  errorMessages,
  hostMessages,
  terminalMessages,
  queryMessages,
  doctorMessages,
  fleetMessages,
  tunnelMessages,
  toolsMessages,
] as const;

type KeysOf<M> = M extends MessageModule<infer K> ? K : never;
export type MessageKey = KeysOf<(typeof modules)[number]>;

const en: Record<string, string> = Object.assign({}, ...modules.map((m) => m.en));
const ja: Record<string, string> = Object.assign({}, ...modules.map((m) => m.ja));

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

export function format(template: string, params?: Readonly<Record<string, string | number>>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function t(key: MessageKey, params?: Readonly<Record<string, string | number>>, locale: Locale = 'en'): string {
  const template = (locale === 'ja' ? ja[key] : undefined) ?? en[key] ?? key;
  return format(template, params);
}

/** Picks a supported locale from a BCP 47 tag such as `ja-JP`. */
export function pickLocale(tag: string | undefined): Locale {
  return tag?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export const catalogForTests = { en, ja };

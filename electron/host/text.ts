import { pickLocale, t, type MessageKey } from '../../shared/i18n/catalog';

type HostKey = Extract<MessageKey, `host.${string}` | `launch.${string}`>;

/** A message of the web host and launchers in the user's locale (LC_ALL / LC_MESSAGES / LANG). */
export function hostText(key: HostKey, params?: Readonly<Record<string, string | number>>, env = process.env): string {
  return t(key, params, pickLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG));
}

import { format, pickLocale } from '../../shared/i18n/catalog';
import { hostMessages } from '../../shared/i18n/messages/host';

type HostKey = keyof (typeof hostMessages)['en'];

/** A message of the host/launcher module in the user's locale (LC_ALL / LC_MESSAGES / LANG). */
export function hostText(key: HostKey, params?: Readonly<Record<string, string | number>>, env = process.env): string {
  const locale = pickLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG);
  return format((locale === 'ja' ? hostMessages.ja[key] : undefined) ?? hostMessages.en[key], params);
}

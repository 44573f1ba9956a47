import type { MessageModule } from '../catalog';

type Key = 'app.title';

export const appMessages: MessageModule<Key> = {
  en: { 'app.title': 'Porthole' },
  ja: { 'app.title': 'Porthole' },
};

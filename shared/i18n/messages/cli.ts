import type { MessageModule } from '../catalog';

type Key = 'cli.usage';

export const cliMessages: MessageModule<Key> = {
  en: { 'cli.usage': 'Usage: porthole <command> [options]' },
  ja: { 'cli.usage': '使い方: porthole <コマンド> [オプション]' },
};

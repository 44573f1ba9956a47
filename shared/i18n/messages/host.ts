import type { MessageModule } from '../catalog';

type Key =
  | 'host.listening'
  | 'host.usage'
  | 'host.rendererMissing'
  | 'host.badPort'
  | 'host.badEndpoint'
  | 'host.badArgs'
  | 'host.badDataDir'
  | 'host.startFailed'
  | 'launch.noElectron'
  | 'launch.noElectronStart'
  | 'launch.building'
  | 'launch.emulatorStarting'
  | 'launch.emulatorFailed'
  | 'launch.open'
  | 'launch.stopping';

/** Messages of the web host, `npm run serve`, `npm run demo` and `npm start`. */
export const hostMessages: MessageModule<Key> = {
  en: {
    // Printed exactly like this when the web host is ready; scripts and tests read it.
    'host.listening': 'porthole web host listening on {url}',
    'host.usage':
      'Usage: npm run serve -- [--port <port>] [--endpoint-url <url>] [--static-dir <dir>] [--data-dir <dir>]\n' +
      '  Serves the built renderer on 127.0.0.1 and prints the URL to open (with its access token).\n' +
      '  --data-dir: where the app keeps its data (the fleet list cache); default: a per-user folder.',
    'host.rendererMissing': 'The renderer is not built ({path} is missing). Run `npm run build:renderer` first.',
    'host.badPort': '--port must be a whole number from 0 to 65535 (0 picks a free port); got "{value}".',
    'host.badEndpoint': '--endpoint-url must be an http:// or https:// URL; got "{value}".',
    'host.badArgs': '{detail}',
    'host.badDataDir': '--data-dir needs a folder path.',
    'host.startFailed': 'The web host could not start: {detail}',
    'launch.noElectron': 'The Electron binary is not installed here; serving the same UI through the web host instead.',
    'launch.noElectronStart':
      'The Electron binary is not installed here, so the desktop window cannot open. Run `npm run serve` to use Porthole in your browser instead.',
    'launch.building': 'Building the renderer (npm run build:renderer)…',
    'launch.emulatorStarting': 'Starting the AWS emulator with the demo fleet…',
    'launch.emulatorFailed': 'The AWS emulator did not start: {detail}',
    'launch.open': 'Open {url} in your browser (Ctrl-C stops everything).',
    'launch.stopping': 'Stopping…',
  },
  ja: {
    'host.rendererMissing':
      'レンダラーがビルドされていません（{path} がありません）。先に `npm run build:renderer` を実行してください。',
    'host.badPort': '--port には 0〜65535 の整数を指定してください（0 は空きポートを自動選択）。指定値: "{value}"',
    'host.badEndpoint': '--endpoint-url には http:// または https:// の URL を指定してください。指定値: "{value}"',
    'host.startFailed': 'Web ホストを起動できませんでした: {detail}',
    'host.badDataDir': '--data-dir にはフォルダーのパスを指定してください。',
    'launch.noElectron': 'Electron 本体がインストールされていないため、同じ UI を Web ホストで提供します。',
    'launch.noElectronStart':
      'Electron 本体がインストールされていないため、デスクトップウィンドウを開けません。代わりに `npm run serve` でブラウザから使えます。',
    'launch.building': 'レンダラーをビルドしています（npm run build:renderer）…',
    'launch.emulatorStarting': 'デモ用フリートで AWS エミュレーターを起動しています…',
    'launch.emulatorFailed': 'AWS エミュレーターを起動できませんでした: {detail}',
    'launch.open': 'ブラウザで {url} を開いてください（Ctrl-C ですべて停止します）。',
    'launch.stopping': '停止しています…',
  },
};

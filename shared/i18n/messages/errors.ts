import type { MessageModule } from '../catalog';
import type { ErrorCode } from '../../errors';

type Key = `error.${ErrorCode}`;

export const errorMessages: MessageModule<Key> = {
  en: {
    'error.UNKNOWN_CHANNEL': 'The app asked for "{channel}", which is not part of the IPC contract.',
    'error.BAD_PAYLOAD': 'The request to "{channel}" was malformed: {detail}',
    'error.FORBIDDEN_SENDER': 'A request came from a window or origin Porthole does not trust, and was refused.',
    'error.INTERNAL': 'Something went wrong inside Porthole: {detail}',
    'error.AWS_AUTH_FAILED':
      'AWS refused the credentials of profile "{profile}". Check the access key and secret, or sign in again.',
    'error.AWS_ACCESS_DENIED':
      'Profile "{profile}" is not allowed to call {operation}. Ask your administrator for that permission.',
    'error.AWS_NETWORK': 'Could not reach AWS at {endpoint}. Check your network, proxy, or endpoint setting.',
    'error.AWS_THROTTLED': 'AWS is throttling requests. Porthole will retry; try again in a moment.',
    'error.AWS_SERVICE': 'AWS returned an error: {detail}',
    'error.CREDENTIALS_MISSING':
      'No credentials were found for profile "{profile}". Add keys to ~/.aws/credentials or configure SSO.',
    'error.CREDENTIALS_EXPIRED': 'The credentials of profile "{profile}" have expired. Sign in again.',
    'error.PROFILE_INVALID': 'Profile "{profile}" is not usable: {detail}',
    'error.REGION_INVALID': '"{region}" is not a valid AWS region.',
    'error.TARGET_NOT_CONNECTED':
      'Instance {target} is not connected to Systems Manager. Check that the SSM agent is running and can reach AWS.',
    'error.TARGET_NOT_FOUND': 'No instance matches "{target}".',
    'error.INVALID_DOCUMENT': 'The session document "{document}" does not exist or is not a Session document.',
    'error.SESSION_FAILED': 'The session ended: {detail}',
    'error.PORT_IN_USE': 'Local port {port} is already in use. Choose another port or stop the program using it.',
    'error.INVALID_TUNNEL': 'The port forward cannot start: {detail}',
    'error.DISCONNECTED': 'The Porthole host cannot be reached: {detail}',
    'error.SSO_SIGN_IN_REQUIRED': 'Profile "{profile}" signs in with AWS IAM Identity Center (SSO). Sign in to use it.',
    'error.KEY_PAIR_INVALID': 'The key pair file cannot decrypt the Windows password: {detail}',
    'error.INVALID_POLICY_REQUEST': 'The policy cannot be generated: {detail}',
    'error.RECORDING_NOT_FOUND': 'The recording {id} no longer exists. Refresh the list.',
    'error.SSH_FAILED': 'SSH cannot be set up: {detail}',
  },
  ja: {
    'error.UNKNOWN_CHANNEL': 'アプリが IPC コントラクトにない「{channel}」を要求しました。',
    'error.BAD_PAYLOAD': '「{channel}」への要求の形式が正しくありません: {detail}',
    'error.FORBIDDEN_SENDER': 'Porthole が信頼していないウィンドウまたはオリジンからの要求を拒否しました。',
    'error.INTERNAL': 'Porthole の内部でエラーが発生しました: {detail}',
    'error.AWS_AUTH_FAILED':
      'AWS がプロファイル「{profile}」の認証情報を拒否しました。アクセスキーとシークレットを確認するか、サインインし直してください。',
    'error.AWS_ACCESS_DENIED':
      'プロファイル「{profile}」には {operation} を呼び出す権限がありません。管理者に権限を依頼してください。',
    'error.AWS_NETWORK':
      '{endpoint} の AWS に接続できませんでした。ネットワーク、プロキシ、エンドポイントの設定を確認してください。',
    'error.AWS_THROTTLED':
      'AWS がリクエストを制限しています。Porthole が再試行します。少し待ってからもう一度お試しください。',
    'error.AWS_SERVICE': 'AWS がエラーを返しました: {detail}',
    'error.CREDENTIALS_MISSING':
      'プロファイル「{profile}」の認証情報が見つかりません。~/.aws/credentials にキーを追加するか、SSO を設定してください。',
    'error.CREDENTIALS_EXPIRED':
      'プロファイル「{profile}」の認証情報の有効期限が切れています。サインインし直してください。',
    'error.PROFILE_INVALID': 'プロファイル「{profile}」は使用できません: {detail}',
    'error.REGION_INVALID': '「{region}」は有効な AWS リージョンではありません。',
    'error.TARGET_NOT_CONNECTED':
      'インスタンス {target} は Systems Manager に接続されていません。SSM エージェントが動作し、AWS に到達できることを確認してください。',
    'error.TARGET_NOT_FOUND': '「{target}」に一致するインスタンスはありません。',
    'error.INVALID_DOCUMENT':
      'セッションドキュメント「{document}」が存在しないか、Session ドキュメントではありません。',
    'error.SESSION_FAILED': 'セッションが終了しました: {detail}',
    'error.PORT_IN_USE':
      'ローカルポート {port} は使用中です。別のポートを選ぶか、使用中のプログラムを停止してください。',
    'error.INVALID_TUNNEL': 'ポートフォワードを開始できません: {detail}',
    'error.DISCONNECTED': 'Porthole ホストに接続できません: {detail}',
    'error.SSO_SIGN_IN_REQUIRED':
      'プロファイル「{profile}」は AWS IAM Identity Center (SSO) でサインインします。使うにはサインインしてください。',
    'error.KEY_PAIR_INVALID': '鍵ペアファイルで Windows のパスワードを復号できません: {detail}',
    'error.INVALID_POLICY_REQUEST': 'ポリシーを生成できません: {detail}',
    'error.RECORDING_NOT_FOUND': '録画 {id} はもうありません。一覧を更新してください。',
    'error.SSH_FAILED': 'SSH を設定できません: {detail}',
  },
};

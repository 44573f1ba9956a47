import type { MessageModule } from '../catalog';
import type { ErrorCode } from '../../errors';

type Key = `error.${ErrorCode}`;

export const errorMessages: MessageModule<Key> = {
  en: {
    'error.UNKNOWN_CHANNEL': 'The app asked for "{channel}", which is not part of the IPC contract.',
    'error.BAD_PAYLOAD': 'The request to "{channel}" was malformed: {detail}',
    'error.FORBIDDEN_SENDER': 'A request came from a window or origin Porthole does not trust, and was refused.',
    'error.INTERNAL': 'Something went wrong inside Porthole: {detail}',
    'error.AWS_AUTH_FAILED': 'AWS refused the credentials of profile "{profile}". Check the access key and secret, or sign in again.',
    'error.AWS_ACCESS_DENIED': 'Profile "{profile}" is not allowed to call {operation}. Ask your administrator for that permission.',
    'error.AWS_NETWORK': 'Could not reach AWS at {endpoint}. Check your network, proxy, or endpoint setting.',
    'error.AWS_THROTTLED': 'AWS is throttling requests. Porthole will retry; try again in a moment.',
    'error.AWS_SERVICE': 'AWS returned an error: {detail}',
    'error.CREDENTIALS_MISSING': 'No credentials were found for profile "{profile}". Add keys to ~/.aws/credentials or configure SSO.',
    'error.CREDENTIALS_EXPIRED': 'The credentials of profile "{profile}" have expired. Sign in again.',
    'error.PROFILE_INVALID': 'Profile "{profile}" is not usable: {detail}',
    'error.REGION_INVALID': '"{region}" is not a valid AWS region.',
    'error.TARGET_NOT_CONNECTED': 'Instance {target} is not connected to Systems Manager. Check that the SSM agent is running and can reach AWS.',
    'error.TARGET_NOT_FOUND': 'No instance matches "{target}".',
    'error.INVALID_DOCUMENT': 'The session document "{document}" does not exist or is not a Session document.',
    'error.SESSION_FAILED': 'The session ended: {detail}',
    'error.PORT_IN_USE': 'Local port {port} is already in use. Choose another port or stop the program using it.',
  },
  ja: {},
};

/**
 * The Session documents the emulator knows and StartSession's parameter validation.
 *
 * Parameter names, defaults and patterns follow the AWS-managed documents as far as the fact sheet (§1.2) and
 * AWS documentation describe them; where the fact sheet marks them unverified, so does this file.
 */
import type { SessionType } from '../agent/session';

export interface DocumentParameter {
  default?: string;
  /** Full-match pattern for the value. */
  allowedPattern?: RegExp;
  required?: boolean;
}

export interface SessionDocument {
  name: string;
  sessionType: SessionType;
  parameters: Readonly<Record<string, DocumentParameter>>;
}

const PORT = /^([1-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$/;
const LOCAL_PORT = /^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$/;
const HOST = /^[a-zA-Z0-9_.:\-[\]]{1,253}$/;
const BOOL = /^(true|false)$/;
/** Separator prefixes the agent accepts (§10.2). */
const PREFIX = /^[0-9a-zA-Z\r\n_:-]{0,30}$/;

export const SESSION_DOCUMENTS: readonly SessionDocument[] = [
  { name: 'SSM-SessionManagerRunShell', sessionType: 'Standard_Stream', parameters: {} },
  {
    name: 'AWS-StartInteractiveCommand',
    sessionType: 'InteractiveCommands',
    parameters: { command: { required: true } },
  },
  {
    name: 'AWS-StartNonInteractiveCommand',
    sessionType: 'NonInteractiveCommands',
    // separateOutputStream and the prefixes are (unverified) parameters of the AWS document (fact sheet §1.2).
    parameters: {
      command: { required: true },
      separateOutputStream: { default: 'false', allowedPattern: BOOL },
      stdoutSeparatorPrefix: { default: '', allowedPattern: PREFIX },
      stderrSeparatorPrefix: { default: '', allowedPattern: PREFIX },
    },
  },
  {
    name: 'AWS-StartPortForwardingSession',
    sessionType: 'Port',
    parameters: {
      portNumber: { default: '80', allowedPattern: PORT },
      localPortNumber: { default: '0', allowedPattern: LOCAL_PORT },
    },
  },
  {
    name: 'AWS-StartPortForwardingSessionToRemoteHost',
    sessionType: 'Port',
    parameters: {
      host: { required: true, allowedPattern: HOST },
      portNumber: { default: '80', allowedPattern: PORT },
      localPortNumber: { default: '0', allowedPattern: LOCAL_PORT },
    },
  },
  {
    name: 'AWS-StartSSHSession',
    sessionType: 'Port',
    parameters: { portNumber: { default: '22', allowedPattern: PORT } },
  },
];

const BY_NAME = new Map(SESSION_DOCUMENTS.map((d) => [d.name, d]));

export const DEFAULT_SESSION_DOCUMENT = 'SSM-SessionManagerRunShell';

/** A document by name or by ARN (`arn:aws:ssm:<region>::document/<name>`); undefined when unknown. */
export function findSessionDocument(nameOrArn: string): SessionDocument | undefined {
  const slash = nameOrArn.startsWith('arn:') ? nameOrArn.lastIndexOf('/') : -1;
  return BY_NAME.get(slash >= 0 ? nameOrArn.slice(slash + 1) : nameOrArn);
}

export type ParameterCheck = { ok: true; values: Record<string, string> } | { ok: false; message: string };

/**
 * Checks StartSession `Parameters` (map of name -> list of strings) against the document: unknown names,
 * more than one value, pattern mismatches and missing required values are refused; defaults fill the rest.
 */
export function resolveParameters(document: SessionDocument, input: unknown): ParameterCheck {
  const values: Record<string, string> = {};
  const given = (input ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object' || Array.isArray(given)) {
    return { ok: false, message: 'Parameters must be a map of parameter names to lists of values.' };
  }
  for (const [name, raw] of Object.entries(given)) {
    const spec = document.parameters[name];
    if (!spec) {
      return { ok: false, message: `Parameter "${name}" is not defined in document ${document.name}.` };
    }
    if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string')) {
      return { ok: false, message: `Parameter "${name}" must be a list of strings.` };
    }
    if (raw.length > 1) {
      return { ok: false, message: `Parameter "${name}" takes a single value, ${raw.length} were given.` };
    }
    const value = (raw[0] as string | undefined) ?? '';
    if (spec.allowedPattern && !spec.allowedPattern.test(value)) {
      return {
        ok: false,
        message: `Parameter "${name}" value "${value}" failed to satisfy constraint: ${spec.allowedPattern.source}`,
      };
    }
    values[name] = value;
  }
  for (const [name, spec] of Object.entries(document.parameters)) {
    if (values[name] !== undefined) continue;
    if (spec.default !== undefined) values[name] = spec.default;
    else if (spec.required) return { ok: false, message: `Required parameter "${name}" is missing.` };
  }
  return { ok: true, values };
}

/** The `properties` the agent sees for Port documents (§1.2). */
export function portProperties(document: SessionDocument, values: Record<string, string>): Record<string, string> {
  if (document.name === 'AWS-StartSSHSession') return { portNumber: values.portNumber ?? '22' };
  const props: Record<string, string> = {
    portNumber: values.portNumber ?? '80',
    type: 'LocalPortForwarding',
    localPortNumber: values.localPortNumber ?? '0',
  };
  if (values.host !== undefined) props.host = values.host;
  return props;
}

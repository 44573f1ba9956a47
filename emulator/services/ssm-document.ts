/**
 * SSM GetDocument for the Session documents: the AWS-owned session documents (content built from their parameter
 * definitions in emulator/sessions/documents.ts) and the account's `SSM-SessionManagerRunShell` preferences
 * document, which exists in a region once preferences are saved there (fleet `sessionManagerPreferences`).
 * Errors: InvalidDocument (unknown name), InvalidDocumentVersion, ValidationException (no Name).
 */
import { AwsError } from '../aws/errors';
import type { JsonOperation, OperationContext } from '../aws/operation';
import { SESSION_DOCUMENTS, type SessionDocument } from '../sessions/documents';

export const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';
const CREATED = Date.UTC(2024, 1, 1, 10, 0, 0) / 1000;

function awsDocumentContent(doc: SessionDocument): Record<string, unknown> {
  const parameters = Object.fromEntries(
    Object.entries(doc.parameters).map(([name, p]) => [
      name,
      {
        type: 'String',
        description: `(${p.required ? 'Required' : 'Optional'}) ${name}`,
        ...(p.default !== undefined ? { default: p.default } : {}),
        ...(p.allowedPattern ? { allowedPattern: p.allowedPattern.source } : {}),
      },
    ]),
  );
  const ref = (name: string) => `{{ ${name} }}`;
  let properties: Record<string, unknown> = {};
  if (doc.sessionType === 'Port') {
    properties = {
      portNumber: ref('portNumber'),
      type: 'LocalPortForwarding',
      ...('localPortNumber' in doc.parameters ? { localPortNumber: ref('localPortNumber') } : {}),
      ...('host' in doc.parameters ? { host: ref('host') } : {}),
    };
  } else if (doc.sessionType !== 'Standard_Stream') {
    properties = {
      linux: { commands: ref('command'), runAsElevated: false },
      windows: { commands: ref('command'), runAsElevated: false },
      macos: { commands: ref('command'), runAsElevated: false },
    };
  }
  return {
    schemaVersion: '1.0',
    description: `Session document ${doc.name}`,
    sessionType: doc.sessionType,
    parameters,
    properties,
  };
}

function preferencesContent(ctx: OperationContext): Record<string, unknown> | undefined {
  const prefs = ctx.fleet.source.sessionManagerPreferences?.[ctx.region];
  if (!prefs) return undefined;
  return {
    schemaVersion: '1.0',
    description: 'Document to hold regional settings for Session Manager',
    sessionType: 'Standard_Stream',
    inputs: { ...prefs },
  };
}

export const getDocument: JsonOperation = (input, ctx) => {
  const rawName = input['Name'];
  if (typeof rawName !== 'string' || rawName === '')
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  const name = rawName.startsWith('arn:') ? rawName.slice(rawName.lastIndexOf('/') + 1) : rawName;
  const format = input['DocumentFormat'] ?? 'JSON';
  if (format !== 'JSON' && format !== 'YAML' && format !== 'TEXT')
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${String(format)}' at 'documentFormat' failed to satisfy constraint: Member must satisfy enum value set: [YAML, JSON, TEXT]`,
    );
  const version = input['DocumentVersion'];
  if (version !== undefined && version !== '1' && version !== '$LATEST' && version !== '$DEFAULT')
    throw new AwsError('InvalidDocumentVersion', 'The document version is not valid or does not exist.');
  let content: Record<string, unknown> | undefined;
  let owned = false;
  if (name === PREFERENCES_DOCUMENT) {
    content = preferencesContent(ctx);
    owned = true;
  } else {
    const doc = SESSION_DOCUMENTS.find((d) => d.name === name && d.name.startsWith('AWS-'));
    if (doc) content = awsDocumentContent(doc);
  }
  if (!content) throw new AwsError('InvalidDocument', `Document with name ${name} does not exist.`);
  const text = JSON.stringify(content, null, 2);
  return {
    Name: name,
    CreatedDate: CREATED,
    DocumentVersion: '1',
    Status: 'Active',
    Content: format === 'YAML' ? toYaml(content) : text,
    DocumentType: 'Session',
    DocumentFormat: format === 'TEXT' ? 'JSON' : format,
    Requires: [],
    AttachmentsContent: [],
    ...(owned ? {} : { DisplayName: name }),
  };
};

/** Minimal YAML for the JSON content above (objects, strings, numbers, booleans). */
function toYaml(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const lines: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (child !== null && typeof child === 'object' && Object.keys(child).length > 0) {
      lines.push(`${indent}${key}:`);
      lines.push(toYaml(child, `${indent}  `));
    } else lines.push(`${indent}${key}: ${child !== null && typeof child === 'object' ? '{}' : JSON.stringify(child)}`);
  }
  return lines.join('\n');
}

import { useState, type ReactNode } from 'react';
import type { ErrorValue } from '../../../../shared/errors';
import type { InvokeRequest, InvokeResponse } from '../../../../shared/ipc/contract';
import type { PolicyDocumentChoice } from '../../../../shared/model/tools';
import { useLocale, useT, type Translate } from '../../app/i18n';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { copyText, useTools } from '../doctor/tools';
import { errorText } from '../instances/errorText';
import '../doctor/tools.css';

type Kind = 'endUser' | 'admin' | 'instanceRole';
const DOCUMENTS: readonly PolicyDocumentChoice[] = ['shell', 'port', 'remote-host', 'ssh', 'interactive-command'];

/** Splits `Key=value1,value2` lines into tag conditions; returns the first bad line instead when there is one. */
export function parseTagLines(text: string): { tags: Record<string, string[]> } | { bad: string } {
  const tags: Record<string, string[]> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    const values =
      eq > 0
        ? line
            .slice(eq + 1)
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean)
        : [];
    if (!key || values.length === 0) return { bad: line };
    tags[key] = [...(tags[key] ?? []), ...values];
  }
  return { tags };
}

const words = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

type Generated = InvokeResponse<'policy.generate'>;

/** The IAM policy helper: generate (end user, administrator, instance role), explain, lint, copy. */
export function PolicyPanel() {
  const t = useT();
  const locale = useLocale();
  const tools = useTools();
  const [kind, setKind] = useState<Kind>('endUser');
  const [targetKind, setTargetKind] = useState<'instances' | 'tags'>('tags');
  const [instanceIds, setInstanceIds] = useState('');
  const [tagText, setTagText] = useState('');
  const [documents, setDocuments] = useState<PolicyDocumentChoice[]>(['shell']);
  const [customDocuments, setCustomDocuments] = useState('');
  const [fields, setFields] = useState({
    region: '',
    accountId: '',
    kmsKeyArn: '',
    s3BucketName: '',
    s3KeyPrefix: '',
    cloudWatchLogGroupName: '',
  });
  const [problem, setProblem] = useState<string | undefined>();
  const [generated, setGenerated] = useState<Generated | undefined>();
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  if (!tools) return null;
  const close = () => tools.store.getState().close();
  const field = (name: keyof typeof fields, label: string) => (
    <label>
      <span>{label}</span>
      <input
        type="text"
        name={name}
        value={fields[name]}
        onChange={(e) => setFields((f) => ({ ...f, [name]: e.target.value }))}
      />
    </label>
  );

  const generate = async () => {
    setProblem(undefined);
    setCopied(undefined);
    const request: InvokeRequest<'policy.generate'> = { kind, locale };
    if (kind === 'endUser') {
      if (targetKind === 'instances') {
        const ids = words(instanceIds);
        if (ids.length === 0) return setProblem(t('policy.ui.needTargets'));
        request.targets = { kind: 'instances', instanceIds: ids };
      } else {
        const parsed = parseTagLines(tagText);
        if ('bad' in parsed) return setProblem(t('policy.ui.badTag', { line: parsed.bad }));
        if (Object.keys(parsed.tags).length === 0) return setProblem(t('policy.ui.needTargets'));
        request.targets = { kind: 'tags', tags: parsed.tags };
      }
      const custom = words(customDocuments);
      if (documents.length === 0 && custom.length === 0) return setProblem(t('policy.ui.needDocuments'));
      request.documents = documents;
      if (custom.length > 0) request.customDocuments = custom;
    }
    for (const [key, value] of Object.entries(fields) as Array<[keyof typeof fields, string]>) {
      if (value.trim()) request[key] = value.trim();
    }
    const result = await tools.bridge.invoke('policy.generate', request);
    if (!result.ok) {
      setGenerated(undefined);
      setProblem(errorText(t, result as ErrorValue).message);
      return;
    }
    setGenerated(result.value);
  };

  return (
    <Dialog
      title={t('policy.ui.title')}
      className="policy"
      onCancel={close}
      actions={
        <Button variant="primary" onClick={close}>
          {t('policy.ui.close')}
        </Button>
      }
    >
      <div className="policy__body">
        <form
          className="policy__form"
          onSubmit={(e) => {
            e.preventDefault();
            void generate();
          }}
        >
          <fieldset>
            <legend>{t('policy.ui.kind')}</legend>
            <div className="policy__row">
              {(['endUser', 'admin', 'instanceRole'] as const).map((k) => (
                <Radio key={k} name="policy-kind" checked={kind === k} onChange={() => setKind(k)}>
                  {t(`policy.ui.kind.${k}`)}
                </Radio>
              ))}
            </div>
          </fieldset>
          {kind === 'endUser' && (
            <>
              <fieldset>
                <legend>{t('policy.ui.targets')}</legend>
                <div className="policy__row">
                  <Radio name="policy-targets" checked={targetKind === 'tags'} onChange={() => setTargetKind('tags')}>
                    {t('policy.ui.targets.tags')}
                  </Radio>
                  <Radio
                    name="policy-targets"
                    checked={targetKind === 'instances'}
                    onChange={() => setTargetKind('instances')}
                  >
                    {t('policy.ui.targets.instances')}
                  </Radio>
                </div>
                {targetKind === 'tags' ? (
                  <label>
                    <span>{t('policy.ui.tags')}</span>
                    <textarea rows={3} value={tagText} onChange={(e) => setTagText(e.target.value)} />
                  </label>
                ) : (
                  <label>
                    <span>{t('policy.ui.instanceIds')}</span>
                    <textarea rows={2} value={instanceIds} onChange={(e) => setInstanceIds(e.target.value)} />
                  </label>
                )}
              </fieldset>
              <fieldset>
                <legend>{t('policy.ui.documents')}</legend>
                {DOCUMENTS.map((d) => (
                  <label key={d}>
                    <input
                      type="checkbox"
                      checked={documents.includes(d)}
                      onChange={(e) =>
                        setDocuments((list) => (e.target.checked ? [...list, d] : list.filter((x) => x !== d)))
                      }
                    />{' '}
                    {t(`policy.ui.doc.${d}`)}
                  </label>
                ))}
                <label>
                  <span>{t('policy.ui.customDocuments')}</span>
                  <input type="text" value={customDocuments} onChange={(e) => setCustomDocuments(e.target.value)} />
                </label>
              </fieldset>
            </>
          )}
          <div className="policy__row">
            {kind !== 'instanceRole' && field('region', t('policy.ui.region'))}
            {kind !== 'instanceRole' && field('accountId', t('policy.ui.accountId'))}
            {field('kmsKeyArn', t('policy.ui.kmsKeyArn'))}
          </div>
          {kind === 'instanceRole' && (
            <div className="policy__row">
              {field('s3BucketName', t('policy.ui.s3BucketName'))}
              {field('s3KeyPrefix', t('policy.ui.s3KeyPrefix'))}
              {field('cloudWatchLogGroupName', t('policy.ui.logGroup'))}
            </div>
          )}
          {problem && (
            <p className="policy__error" role="alert">
              {problem}
            </p>
          )}
          <div>
            <Button variant="primary" type="submit">
              {t('policy.ui.generate')}
            </Button>
          </div>
        </form>
        {generated && (
          <section className="policy__result" aria-label={t('policy.ui.generated')}>
            <h3>{t('policy.ui.generated')}</h3>
            {generated.managedPolicyArns.length > 0 && (
              <p>{t('policy.ui.managed', { arns: generated.managedPolicyArns.join(', ') })}</p>
            )}
            {generated.policy ? (
              <>
                <pre className="policy__json" data-testid="generated-policy">
                  {generated.policy}
                </pre>
                <div className="policy__row">
                  <Button
                    onClick={() => void copyText(generated.policy ?? '').then((ok) => setCopied(ok ? 'yes' : 'no'))}
                  >
                    {t('policy.ui.copy')}
                  </Button>
                  {copied === 'yes' && <span role="status">{t('policy.ui.copied')}</span>}
                  {copied === 'no' && <span role="alert">{t('diagnose.copyFailed')}</span>}
                </div>
              </>
            ) : (
              <p>{t('policy.ui.managedOnly')}</p>
            )}
            <Explanation explanation={generated.explanation} />
            <Findings t={t} findings={generated.findings} />
          </section>
        )}
        <LintSection />
      </div>
    </Dialog>
  );
}

function Radio({
  name,
  checked,
  onChange,
  children,
}: {
  name: string;
  checked: boolean;
  onChange(): void;
  children: ReactNode;
}) {
  return (
    <label>
      <input type="radio" name={name} checked={checked} onChange={onChange} /> {children}
    </label>
  );
}

function Explanation({ explanation }: { explanation: Generated['explanation'] }) {
  const t = useT();
  if (explanation.length === 0) return null;
  return (
    <>
      <h4>{t('policy.ui.explanation')}</h4>
      <ol className="policy__explanation">
        {explanation.map((s) => (
          <li key={s.index} data-sid={s.sid}>
            <strong>{s.sentence}</strong>
            <div className="muted">{s.mechanics}</div>
            {s.conditions.map((c) => (
              <div key={c} className="muted">
                {c}
              </div>
            ))}
          </li>
        ))}
      </ol>
    </>
  );
}

function Findings({ t, findings }: { t: Translate; findings: Generated['findings'] }) {
  if (findings.length === 0) return <p className="policy__ok">{t('policy.ui.noFindings')}</p>;
  return (
    <>
      <h4>{t('policy.ui.findings', { count: findings.length })}</h4>
      <ul className="policy__findings">
        {findings.map((f, i) => (
          <li key={`${f.code}-${i}`} className={`policy__finding--${f.severity}`} data-code={f.code}>
            <strong>{t(`policy.ui.severity.${f.severity}`)}</strong>
            {f.statement !== undefined && <> · {t('policy.ui.statement', { index: f.statement })}</>}: {f.message}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Paste a policy: lint findings and the statement-by-statement explanation. */
function LintSection() {
  const t = useT();
  const locale = useLocale();
  const tools = useTools();
  const [text, setText] = useState('');
  const [result, setResult] = useState<
    { findings: Generated['findings']; explanation: Generated['explanation']; error?: string } | undefined
  >();
  if (!tools) return null;
  const check = async () => {
    const [lint, explain] = await Promise.all([
      tools.bridge.invoke('policy.lint', { text, locale }),
      tools.bridge.invoke('policy.explain', { text, locale }),
    ]);
    if (!lint.ok) return setResult({ findings: [], explanation: [], error: errorText(t, lint).message });
    setResult({
      findings: lint.value.findings,
      explanation: explain.ok ? explain.value.explanation : [],
      ...(explain.ok && explain.value.error ? { error: explain.value.error } : {}),
    });
  };
  return (
    <section className="policy__lint" aria-label={t('policy.ui.lintTitle')}>
      <h3>{t('policy.ui.lintTitle')}</h3>
      <label>
        <span>{t('policy.ui.lintHint')}</span>
        <textarea rows={6} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <div>
        <Button onClick={() => void check()} disabled={!text.trim()}>
          {t('policy.ui.lint')}
        </Button>
      </div>
      {result && (
        <div className="policy__lint-result">
          {result.error && <p className="policy__error">{t('policy.ui.invalid', { message: result.error })}</p>}
          <Findings t={t} findings={result.findings} />
          <Explanation explanation={result.explanation} />
        </div>
      )}
    </section>
  );
}

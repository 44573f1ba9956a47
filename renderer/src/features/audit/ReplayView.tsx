import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { InvokeResponse } from '../../../../shared/ipc/contract';
import { useT } from '../../app/i18n';
import { Button } from '../../ui/Button';
import { ReplayPlayer } from './player';

declare global {
  interface Window {
    /** Read-only test hook: the replay terminal's buffer lines (text, never pixels). */
    __portholeReplay?: { lines(): string[]; status(): string };
  }
}

const SPEEDS = [0.5, 1, 2, 4, 8] as const;

/** Replays one recording in an xterm: play / pause, from the start, speed. */
export function ReplayView({ recording }: { recording: InvokeResponse<'audit.read'> }) {
  const t = useT();
  const screenRef = useRef<HTMLDivElement>(null);
  const [player, setPlayer] = useState<ReplayPlayer | undefined>();
  const [terminal, setTerminal] = useState<Terminal | undefined>();
  const [, setTick] = useState(0);

  useEffect(() => {
    const element = screenRef.current;
    if (!element) return;
    const term = new Terminal({
      cols: recording.width,
      rows: recording.height,
      disableStdin: true,
      scrollback: 5000,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: 13,
    });
    term.open(element);
    const p = new ReplayPlayer(recording.events, (data) => term.write(data));
    const stop = p.onDidChange(() => setTick((n) => n + 1));
    window.__portholeReplay = {
      lines: () => {
        const buffer = term.buffer.active;
        const out: string[] = [];
        for (let i = 0; i < buffer.length; i++) out.push(buffer.getLine(i)?.translateToString(true) ?? '');
        while (out.length > 0 && out[out.length - 1] === '') out.pop();
        return out;
      },
      status: () => p.status,
    };
    setPlayer(p);
    setTerminal(term);
    p.play();
    return () => {
      stop();
      p.dispose();
      term.dispose();
      delete window.__portholeReplay;
    };
  }, [recording]);

  const progress = player?.progress ?? { current: 0, total: 0 };
  return (
    <section className="replay" aria-label={t('audit.replay')} data-status={player?.status}>
      <div className="replay__controls">
        {player?.status === 'playing' ? (
          <Button onClick={() => player.pause()}>{t('audit.pause')}</Button>
        ) : (
          <Button variant="primary" onClick={() => player?.play()}>
            {t('audit.play')}
          </Button>
        )}
        <Button
          onClick={() => {
            terminal?.reset();
            player?.restart(true);
          }}
        >
          {t('audit.restart')}
        </Button>
        <label>
          {t('audit.speed')}{' '}
          <select value={String(player?.speed ?? 1)} onChange={(e) => player?.setSpeed(Number(e.target.value))}>
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {player?.status === 'ended'
            ? t('audit.finished')
            : t('audit.position', { current: progress.current.toFixed(1), total: progress.total.toFixed(1) })}
        </span>
      </div>
      <div className="replay__screen" ref={screenRef} />
    </section>
  );
}

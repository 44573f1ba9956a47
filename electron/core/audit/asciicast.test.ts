import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsciicastWriter, parseAsciicast } from './asciicast';
import { RecordingStore, SessionRecorder } from './recordings';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-cast-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('asciicast v2 writer and reader', () => {
  it('writes a header line and [time, "o", data] events that read back exactly, Japanese included', async () => {
    let now = 1_700_000_000_000;
    const file = join(dir, 'a.cast');
    const writer = new AsciicastWriter(file, { width: 100, height: 30, title: 'ウェブ' }, { now: () => now });
    now += 250;
    writer.output('こんにちは、世界\r\n');
    now += 1000;
    writer.output('\x1b[32mgreen\x1b[0m "quoted"\n');
    writer.resize(120, 40);
    await writer.close();

    const text = await readFile(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      version: 2,
      width: 100,
      height: 30,
      title: 'ウェブ',
      timestamp: 1_700_000_000,
    });
    expect(JSON.parse(lines[1]!)).toEqual([0.25, 'o', 'こんにちは、世界\r\n']);
    const cast = parseAsciicast(text);
    expect(cast.header.title).toBe('ウェブ');
    expect(cast.events).toEqual([
      [0.25, 'o', 'こんにちは、世界\r\n'],
      [1.25, 'o', '\x1b[32mgreen\x1b[0m "quoted"\n'],
      [1.25, 'r', '120x40'],
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('never overwrites an existing file', async () => {
    const file = join(dir, 'b.cast');
    const first = new AsciicastWriter(file, { width: 80, height: 24 });
    first.output('first');
    await first.close();
    const second = new AsciicastWriter(file, { width: 80, height: 24 });
    second.output('second');
    await second.close();
    expect(second.error).toBeDefined();
    expect(parseAsciicast(await readFile(file, 'utf8')).events.map((e) => e[2])).toEqual(['first']);
  });

  it('reads a recording whose last line was torn by a crash, and rejects a file that is not asciicast', () => {
    const cast = parseAsciicast('{"version":2,"width":80,"height":24,"timestamp":1}\n[0.1,"o","ok"]\n[0.2,"o","cut sh');
    expect(cast.events).toEqual([[0.1, 'o', 'ok']]);
    expect(() => parseAsciicast('hello\n')).toThrow(/asciicast/);
    expect(() => parseAsciicast('{"version":1,"width":80,"height":24}\n')).toThrow(/version 2/);
  });

  it('stops writing at the size cap instead of growing without bound', async () => {
    const file = join(dir, 'c.cast');
    const writer = new AsciicastWriter(file, { width: 80, height: 24 }, { maxBytes: 200 });
    for (let i = 0; i < 50; i++) writer.output(`line ${i}\n`);
    await writer.close();
    const size = (await stat(file)).size;
    expect(size).toBeLessThanOrEqual(200);
    expect(parseAsciicast(await readFile(file, 'utf8')).events.length).toBeGreaterThan(0);
  });
});

describe('recording store', () => {
  it('saves the setting on a fresh install whose data folder does not exist yet', async () => {
    const store = new RecordingStore({ dataDir: join(dir, 'new', 'data') });
    expect(await store.setSettings({ enabled: true })).toEqual({ enabled: true });
    expect(await new RecordingStore({ dataDir: join(dir, 'new', 'data') }).settings()).toEqual({ enabled: true });
  });

  const session = {
    id: 's-1',
    target: 'i-0123456789abcdef0',
    title: '本番ウェブ',
    profile: 'demo',
    region: 'eu-north-1',
    document: 'SSM-SessionManagerRunShell',
  };

  it('records nothing until recording is turned on, then lists, searches and reads the session', async () => {
    const store = new RecordingStore({ dataDir: dir });
    const recorder = new SessionRecorder(store);
    recorder.started({ ...session, id: 'off' }, { cols: 80, rows: 24 });
    recorder.output('off', 'not recorded');
    recorder.ended('off');
    await new Promise((r) => setTimeout(r, 20));
    expect(await store.list()).toEqual([]);

    await store.setSettings({ enabled: true });
    expect(await new RecordingStore({ dataDir: dir }).settings()).toEqual({ enabled: true });
    recorder.started(session, { cols: 90, rows: 30 });
    recorder.output('s-1', '$ echo \x1b[1mこんにちは\x1b[0m\r\nこんにちは\r\n');
    recorder.ended('s-1');
    await waitFor(async () => (await store.list()).length === 1 && !store.recording('s-1'));

    const [info] = await store.list();
    expect(info).toMatchObject({
      title: '本番ウェブ',
      instanceId: session.target,
      profile: 'demo',
      region: 'eu-north-1',
    });
    expect((await stat(join(store.dir, info!.id))).mode & 0o777).toBe(0o600);
    expect((await stat(store.dir)).mode & 0o777).toBe(0o700);

    const read = await store.read(info!.id);
    expect(read.width).toBe(90);
    expect(read.events.map((e) => e[2]).join('')).toContain('こんにちは');

    expect((await store.search('本番')).map((r) => r.id)).toEqual([info!.id]);
    expect((await store.search('i-0123')).map((r) => r.id)).toEqual([info!.id]);
    const byText = await store.search('echo こんにちは');
    expect(byText[0]?.match).toBe('$ echo こんにちは');
    expect(await store.search('nowhere')).toEqual([]);
    await expect(store.read('../../etc/passwd.cast')).rejects.toMatchObject({ code: 'RECORDING_NOT_FOUND' });
    await expect(store.read('gone.cast')).rejects.toMatchObject({ code: 'RECORDING_NOT_FOUND' });
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met');
}

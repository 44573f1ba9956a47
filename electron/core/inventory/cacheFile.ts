/**
 * CacheStore on disk: one JSON file (e.g. `<app data>/fleet-cache.json`), written atomically (temp file then
 * rename), owner-only. A missing, unreadable or invalid file reads as "no cache" (the list is fetched again).
 * It holds instance rows only: no credentials, tokens or keys ever go in it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FleetSnapshotSchema, type CacheStore, type FleetSnapshot } from './fleet';

export class JsonFileCacheStore implements CacheStore {
  constructor(private readonly path: string) {}

  async read(): Promise<FleetSnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = FleetSnapshotSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async write(snapshot: FleetSnapshot): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(snapshot), { mode: 0o600 });
    await rename(temp, this.path);
  }
}

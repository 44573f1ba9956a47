import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, createAppUrlPolicy, isExternalWebUrl, parseMainArgs } from './trust';

describe('app URL policy', () => {
  it('trusts only our scheme and host in production', () => {
    const policy = createAppUrlPolicy();
    expect(policy.entryUrl).toBe(APP_ENTRY_URL);
    expect(policy.isAppUrl('porthole://app/index.html')).toBe(true);
    expect(policy.isAppUrl('porthole://app/index.html#/instances')).toBe(true);
    for (const url of [
      'porthole://evil/index.html',
      'porthole://user:pw@app/index.html',
      'file:///work/main/out/renderer/index.html',
      'https://evil.example/',
      'http://127.0.0.1:5173/',
      'about:blank',
      '',
      'not a url',
    ]) {
      expect(policy.isAppUrl(url), url).toBe(false);
    }
  });

  it('trusts the loopback dev server origin only when configured, and never a remote one', () => {
    const dev = createAppUrlPolicy({ devServerUrl: 'http://127.0.0.1:5173/' });
    expect(dev.entryUrl).toBe('http://127.0.0.1:5173/');
    expect(dev.isAppUrl('http://127.0.0.1:5173/src/main.tsx')).toBe(true);
    expect(dev.isAppUrl('http://127.0.0.1:5174/')).toBe(false);
    const remote = createAppUrlPolicy({ devServerUrl: 'http://evil.example:5173/' });
    expect(remote.entryUrl).toBe(APP_ENTRY_URL);
    expect(remote.isAppUrl('http://evil.example:5173/')).toBe(false);
  });

  it('opens only http(s) links externally', () => {
    expect(isExternalWebUrl('https://docs.aws.amazon.com/')).toBe(true);
    expect(isExternalWebUrl('file:///etc/passwd')).toBe(false);
    expect(isExternalWebUrl('javascript:alert(1)')).toBe(false);
    expect(isExternalWebUrl('smb://host/share')).toBe(false);
  });

  it('reads --endpoint-url in both spellings', () => {
    expect(parseMainArgs(['electron', '.', '--endpoint-url', 'http://127.0.0.1:4566'])).toEqual({
      endpointUrl: 'http://127.0.0.1:4566',
    });
    expect(parseMainArgs(['electron', '--no-sandbox', '--endpoint-url=http://x:1'])).toEqual({
      endpointUrl: 'http://x:1',
    });
    expect(parseMainArgs(['electron', '.'])).toEqual({});
  });
});

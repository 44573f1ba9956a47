import { describe, expect, it } from 'vitest';
import { PortholeError } from '../../../shared/errors';
import type { Instance } from '../../../shared/model/instance';
import { formatAmbiguousTarget, isInstanceId, resolveTarget } from './target';

function node(instanceId: string, name: string | undefined, extra: Partial<Instance> = {}): Instance {
  return {
    instanceId,
    ...(name !== undefined ? { name } : {}),
    platform: 'Linux',
    pingStatus: 'Online',
    region: 'us-east-1',
    managed: true,
    hybrid: instanceId.startsWith('mi-'),
    tags: name !== undefined ? [{ key: 'Name', value: name }] : [],
    ...extra,
  };
}

const fleet = [
  node('i-0aaaaaaaaaaaaaaa1', 'web'),
  node('i-0aaaaaaaaaaaaaaa2', 'ウェブサーバー'),
  node('i-0aaaaaaaaaaaaaaa3', 'twin', { privateIp: '10.0.0.3' }),
  node('i-0aaaaaaaaaaaaaaa4', 'twin', { pingStatus: 'ConnectionLost' }),
  node('mi-0aaaaaaaaaaaaaaa5', 'onprem-gw'),
];

describe('resolveTarget', () => {
  it('uses an instance or managed-node id as given, without listing', async () => {
    const list = () => Promise.reject(new Error('must not list'));
    await expect(resolveTarget('i-0123456789abcdef0', list)).resolves.toEqual({
      kind: 'found',
      instanceId: 'i-0123456789abcdef0',
    });
    await expect(resolveTarget('i-01234567', list)).resolves.toMatchObject({ instanceId: 'i-01234567' });
    await expect(resolveTarget('mi-0123456789abcdef0', list)).resolves.toMatchObject({
      instanceId: 'mi-0123456789abcdef0',
    });
  });

  it('finds a Name exactly, Japanese included; case matters', async () => {
    const list = () => Promise.resolve(fleet);
    await expect(resolveTarget('ウェブサーバー', list)).resolves.toMatchObject({ instanceId: 'i-0aaaaaaaaaaaaaaa2' });
    await expect(resolveTarget('onprem-gw', list)).resolves.toMatchObject({ instanceId: 'mi-0aaaaaaaaaaaaaaa5' });
    await expect(resolveTarget('WEB', list)).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
    await expect(resolveTarget('we', list)).rejects.toBeInstanceOf(PortholeError);
  });

  it('reports every instance sharing a Name', async () => {
    const r = await resolveTarget('twin', () => Promise.resolve(fleet));
    expect(r.kind).toBe('ambiguous');
    if (r.kind !== 'ambiguous') return;
    expect(r.matches.map((i) => i.instanceId)).toEqual(['i-0aaaaaaaaaaaaaaa3', 'i-0aaaaaaaaaaaaaaa4']);
    const text = formatAmbiguousTarget('twin', r.matches, 'ja');
    expect(text).toContain('「twin」という Name のインスタンスが 2 台あります');
    expect(text).toContain('接続断');
    expect(text).toContain('10.0.0.3');
  });

  it('tells ids from names', () => {
    expect(isInstanceId('i-0123456789abcdef0')).toBe(true);
    expect(isInstanceId('i-0123456789ABCDEF0')).toBe(false);
    expect(isInstanceId('i-web')).toBe(false);
    expect(isInstanceId('mi-01234567')).toBe(false);
  });
});

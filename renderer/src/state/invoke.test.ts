import { describe, expect, it } from 'vitest';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import { invokeSafely, toErrorValue } from './invoke';

describe('invokeSafely', () => {
  it('turns a bridge that throws (host gone) into an INTERNAL error value the UI can show', async () => {
    const bridge = {
      invoke: () => Promise.reject(new Error('socket closed')),
    } as unknown as PortholeBridge;
    const result = await invokeSafely(bridge, 'profiles.list', {});
    expect(result).toEqual({
      ok: false,
      code: 'INTERNAL',
      message: 'Something went wrong inside Porthole: socket closed',
      params: { detail: 'socket closed' },
    });
  });

  it('passes an answer through unchanged', async () => {
    const answer = { ok: true, value: { profiles: [] } };
    const bridge = { invoke: () => Promise.resolve(answer) } as unknown as PortholeBridge;
    expect(await invokeSafely(bridge, 'profiles.list', {})).toBe(answer);
  });
});

describe('toErrorValue', () => {
  it('keeps code, message and params, and leaves out params that are not there', () => {
    expect(toErrorValue({ code: 'INTERNAL', message: 'm' })).toEqual({ code: 'INTERNAL', message: 'm' });
    expect(toErrorValue({ code: 'INTERNAL', message: 'm', params: { detail: 'd' } })).toEqual({
      code: 'INTERNAL',
      message: 'm',
      params: { detail: 'd' },
    });
  });
});

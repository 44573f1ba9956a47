import { PortholeError } from '../../errors';
import { CHANNELS } from '../channels';
import type { Handlers } from '../dispatch';

/**
 * A handler for every contract channel that fails with INTERNAL ("not used in this test"). Tests that care about a
 * few channels spread it first and override those, so a new contract channel does not break every test's map.
 */
export function unusedHandlers(): Handlers {
  const fail = (channel: string) => () => {
    throw new PortholeError('INTERNAL', `the "${channel}" channel is not used in this test`);
  };
  return {
    invoke: Object.fromEntries(CHANNELS.invoke.map((c) => [c, fail(c)])) as unknown as Handlers['invoke'],
    send: Object.fromEntries(CHANNELS.send.map((c) => [c, fail(c)])) as unknown as Handlers['send'],
  };
}

import type { ErrorValue, Result } from '../../../shared/errors';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import type { InvokeChannel, InvokeRequest, InvokeResponse } from '../../../shared/ipc/contract';

/** Calls the bridge; a transport failure (host gone, socket closed) becomes an INTERNAL error value too. */
export async function invokeSafely<C extends InvokeChannel>(
  bridge: PortholeBridge,
  channel: C,
  request: InvokeRequest<C>,
): Promise<Result<InvokeResponse<C>>> {
  try {
    return await bridge.invoke(channel, request);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      code: 'INTERNAL',
      message: `Something went wrong inside Porthole: ${detail}`,
      params: { detail },
    };
  }
}

/** The error value of a failed result (or of an error a status carries), without an empty `params`. */
export function toErrorValue(r: {
  code: ErrorValue['code'];
  message: string;
  params?: ErrorValue['params'];
}): ErrorValue {
  return r.params ? { code: r.code, message: r.message, params: r.params } : { code: r.code, message: r.message };
}

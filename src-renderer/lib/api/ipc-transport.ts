import type { PreloadApi } from '../../../src-preload/index';
import { toApiError } from './api-error';
import { unwrapEnvelope } from './envelope';
import type { Transport } from './transport';

/** Transport over the preload's `window.api` (the Electron app). */
export function createIpcTransport(bridge: PreloadApi): Transport {
  return {
    async call(method, args) {
      let envelope: unknown;
      try {
        envelope = await bridge.invoke(method, args);
      } catch (error) {
        // A rejected invoke means the host handler itself threw, outside the envelope.
        throw toApiError(error);
      }
      return unwrapEnvelope(envelope);
    },
    on: (event, listener) => bridge.on(event, listener),
    // IPC does not drop while the window lives, so there is nothing to resynchronise.
    onReconnect: () => () => {},
  };
}

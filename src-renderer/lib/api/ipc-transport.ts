import type { PreloadApi } from '../../../src-shared/preload-api';
import { ApiError, toApiError } from './api-error';
import { unwrapEnvelope } from './envelope';
import type { Transport } from './transport';

/** Transport over the preload's `window.api` (the Electron app). */
export function createIpcTransport(bridge: PreloadApi<File>): Transport {
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
    // The host reads dropped files where they are (no copy, whatever their size); loose files are named by their own folder.
    async stage(files) {
      if (!files.length) throw new ApiError({ name: 'Error', message: 'Nothing was dropped.' });
      const absolute = bridge.pathForFile(files[0].file);
      const rel = files[0].path;
      if (files.length === 1 && !rel.includes('/')) return { kind: 'path', path: absolute };
      // A dropped folder: strip the relative path to find the folder itself; loose files: their folder.
      const root = absolute.slice(0, absolute.length - rel.length);
      return { kind: 'path', path: rel.includes('/') ? root + rel.split('/')[0] : root.replace(/[\\/]$/, '') };
    },
    on: (event, listener) => bridge.on(event, listener),
    // IPC does not drop while the window lives, so there is nothing to resynchronise.
    onReconnect: () => () => {},
  };
}

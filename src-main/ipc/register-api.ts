import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS } from '../../src-shared/api';
import { dispatch } from '../services/dispatch';
import type { Workbench } from '../workbench';

/** Only our own renderer, loaded from the app's files, may call the API (GitHub Desktop's trusted-sender check). */
function trustedSender(event: IpcMainInvokeEvent, rendererUrl: string): boolean {
  return event.senderFrame?.url.split(/[?#]/)[0] === rendererUrl;
}

/**
 * Registers one `api:<method>` handler per allow-listed method of the contract. Every call goes
 * through the same dispatcher as browser mode, which validates the arguments against the contract.
 */
export function registerApi(wb: Workbench, rendererUrl: string): void {
  for (const method of API_METHODS) {
    ipcMain.handle(`api:${method}`, (event, ...args) => {
      if (!trustedSender(event, rendererUrl)) {
        return { ok: false, error: { name: 'SecurityError', message: 'API call from an untrusted frame refused' } };
      }
      return dispatch(wb.api, method, args);
    });
  }
}

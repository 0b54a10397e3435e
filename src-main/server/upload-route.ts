import type { IncomingMessage } from 'node:http';
import type { ApiEnvelope } from '../../src-shared/api';
import { isUploadId, MAX_UPLOAD_BYTES, newUploadId, UploadTooLargeError, writeUpload } from '../services/uploads';

/**
 * `PUT /upload/<relative path>[?upload=<id>]`: streams one dropped file into an upload folder
 * under the data directory (a new one unless `upload` names one, so a dropped folder's files
 * share it). Answers the upload id to pass to previewDataset / importDataset / importModel, with
 * 200; a refused upload answers 413 (too large for the file limit or the quota) or 400.
 */
export async function receiveUpload(dataDir: string, url: URL, req: IncomingMessage, quota?: number): Promise<{ status: number; body: ApiEnvelope }> {
  try {
    const given = url.searchParams.get('upload');
    if (given !== null && !isUploadId(given)) throw new Error(`'${given}' is not an upload id`);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_UPLOAD_BYTES) throw new UploadTooLargeError(`the file is larger than the upload limit of ${MAX_UPLOAD_BYTES / 2 ** 30} GiB`);
    const id = given ?? newUploadId();
    const path = url.pathname.slice('/upload/'.length);
    const bytes = await writeUpload(dataDir, id, path, req, { quota });
    return { status: 200, body: { ok: true, result: { id, path, bytes } } };
  } catch (err) {
    req.resume();
    const status = err instanceof UploadTooLargeError ? 413 : 400;
    return { status, body: { ok: false, error: { name: (err as Error).name, message: (err as Error).message } } };
  }
}

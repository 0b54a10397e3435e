// The allow-listed channels, free of zod so the sandboxed preload can bundle them alone.

/** Every API method name: the only IPC channels (`api:<method>`) and HTTP routes (`/api/<method>`). */
export const API_METHODS = [
  'appInfo',
  'catalog',
  'listRuns',
  'getRun',
  'listBaseModels',
  'checkStudy',
  'launchStudy',
  'cancelRun',
  'setRunTags',
  'setRunNote',
  'annotateRuns',
  'archiveRuns',
  'deleteRuns',
  'figurePdf',
  'exportBundle',
  'forgottenSamples',
  'previewDataset',
  'importDataset',
  'listDatasets',
  'renameDataset',
  'deleteDataset',
  'importModel',
  'listImportedModels',
  'listStudies',
  'getStudy',
  'searchOutcome',
  'studyVerdict',
  'cancelStudy',
  'retryRun',
  'queueStatus',
  'setQueue',
] as const;

/** Names of the API methods. */
export type ApiMethod = (typeof API_METHODS)[number];

/** Every event name the host pushes (`event:<name>` over IPC, `{event}` over WebSocket). */
export const API_EVENTS = ['run-updated', 'dataset-import-progress'] as const;

/** An error as it crosses a transport. */
export interface ApiErrorPayload {
  name: string;
  message: string;
  issues?: string[];
}

/** The reply of every API call over any transport. */
export type ApiEnvelope = { ok: true; result: unknown } | { ok: false; error: ApiErrorPayload };

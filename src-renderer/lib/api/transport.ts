import type { ApiEvents, ApiMethod, RetainLabApi } from '../../../src-shared/api';
import type { ImportSource } from '../../../src-shared/datasets';

/** Listener of one host event. */
export type EventListener<E extends keyof ApiEvents> = (payload: ApiEvents[E]) => void;

/** The two things a transport must do; everything typed sits above it in createApi. */
export interface Transport {
  /** Calls a method and resolves to its (unwrapped) result; throws ApiError. */
  call(method: ApiMethod, args: unknown[]): Promise<unknown>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on(event: keyof ApiEvents, listener: (payload: unknown) => void): () => void;
  /** Calls back after a dropped event stream came back, since events may have been missed meanwhile. */
  onReconnect(listener: () => void): () => void;
  /**
   * Makes dropped files readable by the host: uploads them (browser mode) or names their paths
   * (Electron). Several loose files are uploaded into a folder called `folder`, which names the import.
   */
  stage(files: DroppedFile[], folder: string, onProgress?: (sentBytes: number, totalBytes: number) => void): Promise<ImportSource>;
}

/** A file the researcher dropped or picked, with its path relative to what was dropped (`digits/3/a.png`, or just `iris.csv`). */
export interface DroppedFile {
  file: File;
  path: string;
}

/** The typed RetainLabApi over any transport; `satisfies` makes a new contract method a compile error here. */
export function createApi(transport: Transport): RetainLabApi {
  const call = <T>(method: ApiMethod, ...args: unknown[]) => {
    // An optional argument left undefined is left out: JSON would send it as null, which the contract refuses.
    while (args.length && args.at(-1) === undefined) args.pop();
    return transport.call(method, args) as Promise<T>;
  };
  return {
    appInfo: () => call('appInfo'),
    catalog: () => call('catalog'),
    listRuns: (page) => call('listRuns', page),
    getRun: (id) => call('getRun', id),
    listBaseModels: () => call('listBaseModels'),
    checkStudy: (config) => call('checkStudy', config),
    launchStudy: (config, options) => call('launchStudy', config, options),
    cancelRun: (id) => call('cancelRun', id),
    setRunTags: (id, tags) => call('setRunTags', id, tags),
    setRunNote: (id, note) => call('setRunNote', id, note),
    annotateRuns: (ids, change) => call('annotateRuns', ids, change),
    archiveRuns: (ids, archived) => call('archiveRuns', ids, archived),
    deleteRuns: (ids) => call('deleteRuns', ids),
    figurePdf: (svg, widthIn, heightIn) => call('figurePdf', svg, widthIn, heightIn),
    exportBundle: (runIds, figures) => call('exportBundle', runIds, figures),
    forgottenSamples: (runId, limit) => call('forgottenSamples', runId, limit),
    previewDataset: (source, options) => call('previewDataset', source, options),
    importDataset: (source, options, jobId) => call('importDataset', source, options, jobId),
    listDatasets: (page) => call('listDatasets', page),
    renameDataset: (id, name) => call('renameDataset', id, name),
    deleteDataset: (id) => call('deleteDataset', id),
    importModel: (source, name) => call('importModel', source, name),
    listImportedModels: () => call('listImportedModels'),
    listStudies: (page) => call('listStudies', page),
    getStudy: (id) => call('getStudy', id),
    searchOutcome: (studyId) => call('searchOutcome', studyId),
    studyVerdict: (studyId) => call('studyVerdict', studyId),
    cancelStudy: (studyId) => call('cancelStudy', studyId),
    retryRun: (id) => call('retryRun', id),
    queueStatus: () => call('queueStatus'),
    setQueue: (settings) => call('setQueue', settings),
  } satisfies RetainLabApi;
}

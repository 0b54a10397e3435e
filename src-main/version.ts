import pkg from '../package.json';

/** The workbench's version, stored with every export and shown in the app. */
export const VERSION: string = pkg.version;

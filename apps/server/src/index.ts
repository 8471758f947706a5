/**
 * @packageDocumentation
 * The Briefcase server: relay + SQLite + the embedded org + the demo page on one port
 * (`npm start`). `startServer` is what `main.js` runs; tests start it in process or as a child.
 */
export type { OrgConfig, ServerConfig } from './config.js'
export { USAGE, readConfig } from './config.js'
export type { RunningServer } from './server.js'
export { startServer } from './server.js'

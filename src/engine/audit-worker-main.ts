/** Worker-thread entry for library users of the pool (the CLI bundle serves as its own worker entry). */
import { isAuditWorker, serveAuditRequests } from './worker.js';

if (isAuditWorker()) serveAuditRequests();

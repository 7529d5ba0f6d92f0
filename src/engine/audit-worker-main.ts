/** Worker-thread entry for library users of the pool and of co-audit (the CLI bundle serves as its own worker entry). */
import { isCoAuditWorker, serveCoAudit } from './co-audit.js';
import { isAuditWorker, serveAuditRequests } from './worker.js';

if (isAuditWorker()) serveAuditRequests();
else if (isCoAuditWorker()) void serveCoAudit();

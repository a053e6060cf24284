import { join } from 'node:path';
import { dashboardFiles } from '../../layers/core/src/endpoints/dashboard';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { runtimeFromEnvironment } from '../../layers/core/src/runtime';

/** The built dashboard (app.js, app.css) ships next to this handler; locally the server points at dashboard/dist. */
const dashboardDir = process.env.EDGEPRINT_DASHBOARD_DIR ?? join(__dirname);

/** GET /dashboard/{file}: the dashboard's script and stylesheet, and stats.json for a signed-in admin. */
export const handler = httpEndpoint(runtimeFromEnvironment, {
  methods: ['GET', 'HEAD'],
  handle: (request, runtime) => dashboardFiles(request, runtime, dashboardDir),
  origins: 'same-origin',
});

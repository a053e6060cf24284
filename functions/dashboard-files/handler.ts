import { join } from 'node:path';
import { dashboardFiles } from '../../layers/core/src/endpoints/dashboard';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';
import { baseRuntimeFromEnvironment } from '../../layers/core/src/compose/base';

/** The built dashboard (app.js, app.css) ships next to this handler; locally the server points at dashboard/dist. */
const dashboardDir = process.env.EDGEPRINT_DASHBOARD_DIR ?? join(__dirname);

/** GET /dashboard/{file}: the dashboard's script and stylesheet, and stats.json for a signed-in admin. */
export const handler = httpEndpoint(baseRuntimeFromEnvironment, {
  methods: ['GET', 'HEAD'],
  handle: (request, runtime) => dashboardFiles(request, runtime, dashboardDir),
  origins: 'same-origin',
});

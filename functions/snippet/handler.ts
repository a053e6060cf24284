import { join } from 'node:path';
import { endpointRuntimeFromEnvironment } from '../../layers/core/src/compose/endpoint';
import { serveSnippet } from '../../layers/core/src/endpoints/snippet';
import { httpEndpoint } from '../../layers/core/src/http/endpoint';

/** The built snippet ships next to this handler; locally the server points at client-snippet/dist. */
const snippetFile = process.env.EDGEPRINT_SNIPPET_FILE ?? join(__dirname, 'snippet.js');

/** GET /v1/snippet.js: the browser script, served first-party. */
export const handler = httpEndpoint(endpointRuntimeFromEnvironment, {
  methods: ['GET', 'HEAD'],
  handle: (request) => serveSnippet(request, snippetFile),
});

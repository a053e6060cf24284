import { join } from 'node:path';
import { httpEndpoint, runtimeFromEnvironment, serveSnippet } from '@edgeprint/core';

/** The built snippet ships next to this handler; locally the server points at client-snippet/dist. */
const snippetFile = process.env.EDGEPRINT_SNIPPET_FILE ?? join(__dirname, 'snippet.js');

/** GET /v1/snippet.js: the browser script, served first-party. */
export const handler = httpEndpoint(runtimeFromEnvironment, {
  methods: ['GET', 'HEAD'],
  handle: (request) => serveSnippet(request, snippetFile),
});

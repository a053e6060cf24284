#!/usr/bin/env node
'use strict';
// The CLI is TypeScript run through tsx (a dependency), with this package's tsconfig wherever it is started from.
const { join } = require('node:path');
process.env.TSX_TSCONFIG_PATH ??= join(__dirname, '..', 'tsconfig.json');
require('tsx/cjs');
require('./edgeprint.ts');

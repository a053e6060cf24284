#!/usr/bin/env node
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settingsFromContext } from '../lib/config';
import { readEdgeSecret } from '../lib/edge-build';
import { buildEdgeprintApp } from '../lib/stacks';

const app = new App();
const root = join(__dirname, '..', '..');
buildEdgeprintApp(app, settingsFromContext(app, root), { edgeSecret: readEdgeSecret(root) });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

#!/usr/bin/env node
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { settingsFromContext } from '../lib/config';
import { buildEdgeprintApp } from '../lib/stacks';

const app = new App();
buildEdgeprintApp(app, settingsFromContext(app, join(__dirname, '..', '..')));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

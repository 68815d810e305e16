/**
 * Pulumi entry point (`pulumi up` in this directory): reads the `stockval:` stack config once and composes the
 * stack. Everything else lives in src/.
 */
import { loadStackConfig } from './src/config';
import { createStack } from './src/stack';

const { config, secrets } = loadStackConfig();
const outputs = createStack(config, secrets);

export const namespace = outputs.namespace;
export const apiService = outputs.apiService;
export const apiDeployment = outputs.apiDeployment;
export const nginxService = outputs.nginxService;
export const databaseHost = outputs.databaseHost;
export const redisUrl = outputs.redisUrl;
export const backupCronJob = outputs.backupCronJob;

export * from './app-config.types';
export { ConfigError } from './config-error';
export * from './env-parsers';
export * from './env.schema';
export * from './gateway-yaml.schema';
export * from './load-config';
export * from './provider-descriptor';
export { providerEnvSchema } from './providers-from-env';
export const APP_CONFIG = Symbol('APP_CONFIG');

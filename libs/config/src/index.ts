export * from './app-config.types';
export * from './env.schema';
export * from './gateway-yaml.schema';
export * from './load-config';
export { ConfigError, DEFAULT_PROVIDER_ORDER } from './providers-from-env';
export const APP_CONFIG = Symbol('APP_CONFIG');
export * from './redis-options';

/** Injection tokens of the worker app. */
export const WORKER_LOGGER = Symbol('WORKER_LOGGER');
export const WORKER_REDIS = Symbol('WORKER_REDIS');

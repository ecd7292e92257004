export * from './client';
export * from './errors';
export * from './limits';
export * from './types';

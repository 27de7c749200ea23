export * from './master-data.js';
export * from './entities.js';
export * from './invoice.js';

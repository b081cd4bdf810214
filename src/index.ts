export * from './x12/index.js';

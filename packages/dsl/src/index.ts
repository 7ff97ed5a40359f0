export * from './elaborate/index.js';

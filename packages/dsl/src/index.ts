export * from './elaborate/index.js';
export * from './ast.js';
export { parse } from './parser.js';
export { tokenize, type Token } from './lexer.js';
export { format, formatSource } from './format.js';
export * from './builder.js';

import { tfjsZooSuite } from './tfjs-helpers.js';

tfjsZooSuite(1, 2);

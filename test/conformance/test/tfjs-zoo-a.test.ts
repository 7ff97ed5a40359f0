import { tfjsZooSuite } from './tfjs-helpers.js';

tfjsZooSuite(0, 2);

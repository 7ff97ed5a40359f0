import { verifyZooSuite } from './verify-helpers.js';

verifyZooSuite(1);

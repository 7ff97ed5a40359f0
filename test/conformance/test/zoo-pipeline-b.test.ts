import { zooPipelineSuite } from './helpers.js';

zooPipelineSuite(1, 2);

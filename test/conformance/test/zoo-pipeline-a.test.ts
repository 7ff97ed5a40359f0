import { zooPipelineSuite } from './helpers.js';

zooPipelineSuite(0, 2);

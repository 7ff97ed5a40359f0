import './nope.js';
import { it } from 'vitest';
it('x', () => {});

import { describe, expect, it } from 'vitest';
import { compile } from '@excite/compiler';
import { ZOO, expectAgreement, smallModel } from './helpers.js';

describe('every zoo model: the inference pipeline keeps the numbers (reference interpreter, random weights), part a', () => {
  // Split across two files so the two CI cores share the work.
  for (const entry of ZOO.filter((_, i) => i % 2 === 0)) {
    it(entry.name, { timeout: 180_000 }, () => {
      const graph = smallModel(entry.name);
      const { graph: optimised } = compile(graph, { verify: true });
      expect(optimised.nodes.some((n) => n.op === 'BatchNorm' || n.op === 'Dropout')).toBe(false);
      expectAgreement(graph, optimised);
    });
  }
});

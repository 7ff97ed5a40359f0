// The generated TensorFlow.js modules for two zoo models, golden-tested: reviewers read their diff. After an intended
// change to the generated code, update the goldens with
//   pnpm exec vitest run --project conformance test/conformance/test/tfjs-codegen.test.ts -u
// and review the diff of packages/backend-tfjs/test/golden/. Both forms of both models also type-check under strict tsc.
import { describe, expect, it } from 'vitest';
import { inferenceModule, planLayers, trainableModule, typeCheckModules } from '@excite/backend-tfjs';
import { compile } from '@excite/compiler';
import { createModel, zooSources } from '@excite/zoo';

const GOLDEN = '../../../packages/backend-tfjs/test/golden';

/** Both generated modules of a zoo model at its default input, with the `.se` lines quoted in the comments. */
function generated(name: string): Record<string, string> {
  const graph = createModel(name);
  const sources = zooSources();
  const training = compile(graph, { pipeline: 'training', seed: 0 }).graph;
  const inference = compile(graph, { pipeline: 'inference', seed: 0 }).graph;
  return {
    [`${name}.ts`]: trainableModule(planLayers(training, { name }), { model: name, weightsFile: `${name}.weights.bin`, sources }),
    [`${name}.inference.ts`]: inferenceModule(inference, { model: name, weightsFile: `${name}.inference.weights.bin`, sources }).source,
  };
}

describe('generated TypeScript for tfjs (golden)', () => {
  const modules: Record<string, string> = {};
  for (const name of ['se-resnet-50', 'se-mobilenet']) {
    it(name, { timeout: 120_000 }, async () => {
      const files = generated(name);
      Object.assign(modules, files);
      // Matching the golden on every run is also the determinism check.
      for (const [path, text] of Object.entries(files)) await expect(text).toMatchFileSnapshot(`${GOLDEN}/${path}.golden`);
    });
  }
  it('the golden modules type-check under tsc --strict against @tensorflow/tfjs', { timeout: 120_000 }, () => {
    expect(Object.keys(modules)).toHaveLength(4);
    expect(typeCheckModules(modules)).toEqual([]);
  });
});

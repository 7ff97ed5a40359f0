import { it } from 'vitest';
import { compiledSmall, expectOrtAgreement } from './onnx-helpers.js';
for (const name of ['se-resnet-50', 'se-shufflenet', 'se-mobilenet', 'bn-inception']) {
  it(name, async () => {
    const g = compiledSmall(name);
    console.log(name, await expectOrtAgreement(g));
    console.log(name, 'fn', await expectOrtAgreement(g, { functions: true }));
  });
}

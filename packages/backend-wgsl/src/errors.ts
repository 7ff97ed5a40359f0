/** A node the WGSL backend cannot lower: an unsupported op or attribute, or a shape beyond the device limits. */
export class WgslLoweringError extends Error {
  constructor(
    readonly node: string,
    readonly reason: string,
  ) {
    super(`cannot lower ${node} to WGSL: ${reason}`);
    this.name = 'WgslLoweringError';
  }
}

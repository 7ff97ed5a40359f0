export { runCli, type CliIo } from './cli.js';
export { VERIFY_TARGETS, verificationWeights, verifyModel, withoutFinalSoftmax, type TargetRun, type VerifyOptions, type VerifyReport, type VerifyRow, type VerifyTarget } from './verify/index.js';

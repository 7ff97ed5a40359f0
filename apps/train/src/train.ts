// `pnpm --filter @excite/app-train train [--epochs N] [--batch N] [--train-size N] [--test-size N] [--backend wasm|cpu]
//  [--lr X] [--seed N] [--model FILE.se] [--model-name NAME] [--data DIR]`: trains an SE network on Fashion-MNIST.
import { parseArgs } from 'node:util';
import { DataError } from './data.js';
import { train } from './trainer.js';

const USAGE = `usage: train [--epochs N] [--batch N] [--train-size N] [--test-size N] [--backend wasm|cpu] [--lr X] [--seed N]
             [--model FILE.se] [--model-name NAME] [--data DIR]`;

class UsageError extends Error {}

function wholeNumber(name: string, value: string | undefined, fallback: number, min = 1, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} expects a whole number${max < Infinity ? ` from ${min} to ${max}` : ` of at least ${min}`}, found \`${value}\``);
  }
  return n;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string' }, batch: { type: 'string' }, 'train-size': { type: 'string' }, 'test-size': { type: 'string' },
      backend: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, model: { type: 'string' },
      'model-name': { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--backend expects wasm or cpu, found \`${backend}\``);
  const learningRate = values.lr === undefined ? undefined : Number(values.lr);
  if (learningRate !== undefined && !(learningRate > 0)) throw new UsageError(`--lr expects a positive number, found \`${values.lr}\``);
  await train({
    epochs: wholeNumber('epochs', values.epochs, 1),
    batchSize: wholeNumber('batch', values.batch, 32),
    trainSize: wholeNumber('train-size', values['train-size'], 60000, 1, 60000),
    testSize: wholeNumber('test-size', values['test-size'], 10000, 1, 10000),
    backend,
    ...(learningRate !== undefined ? { learningRate } : {}),
    seed: wholeNumber('seed', values.seed, 0, 0),
    ...(values.model ? { modelPath: values.model } : {}),
    ...(values['model-name'] ? { modelName: values['model-name'] } : {}),
    ...(values.data ? { dataDir: values.data } : {}),
    log: (line) => console.log(line),
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(`error: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof DataError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
});

import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { PIPELINES } from '@excite/compiler';
import { DiagnosticError, renderDiagnostics } from '@excite/diagnostics';
import { checkCommand } from './commands/check.js';
import { compileCommand, type CompileCommandOptions } from './commands/compile.js';
import { fmtCommand } from './commands/fmt.js';
import { infoCommand } from './commands/info.js';
import { irCommand, type IrOptions } from './commands/ir.js';
import { listCommand } from './commands/list.js';
import { createProgress } from './progress.js';
import { SourcedError } from './source.js';
import { TARGETS } from './targets.js';
import { VERIFY_TARGETS } from './verify/index.js';
import { verifyCommand, type VerifyCommandOptions } from './commands/verify.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stderr is a terminal: long commands draw a progress bar instead of printing one line per step. */
  tty?: boolean;
}

const modelHelp = '<model>: a zoo name (see `excite list`) or a .se file';

/**
 * Runs the CLI and returns its exit code: 0 ok, 1 a user mistake or failed check (reported as diagnostics, never a
 * stack trace), 2 bad usage. Anything else thrown is a bug in excite and propagates.
 */
export async function runCli(argv: string[], io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), tty: process.stderr.isTTY }): Promise<number> {
  let exitCode = 0;
  const print = (text: string) => io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  const program = new Command('excite')
    .description('Write Squeeze-and-Excitation networks in .se, inspect them, compile them.')
    .version(version, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run excite --help for usage)');

  program
    .command('list')
    .description('list the zoo: every model of the paper, with params and MACs')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  excite list\n  excite list --json')
    .action((options: { json?: boolean }) => print(listCommand(options)));

  program
    .command('info')
    .argument('<model>', modelHelp)
    .description('per-layer table (output shape, params, MACs) grouped by stage, with totals and SE overhead')
    .option('--input <HxW>', 'input height x width (default: the model\'s)')
    .option('--model <name>', 'which model of a .se file declaring several')
    .option('--json', 'print JSON: { name, input, totals, layers, se }')
    .addHelpText('after', '\nExample:\n  excite info se-resnet-50\n  excite info my-model.se --input 64x64 --json')
    .action((target: string, options: { input?: string; model?: string; json?: boolean }) => print(infoCommand(target, options)));

  program
    .command('check')
    .argument('<file>', 'a .se file')
    .description('report every syntax, name, type and shape error of a .se file (exit 1 on errors)')
    .addHelpText('after', '\nExample:\n  excite check my-model.se')
    .action((file: string) => {
      const { output, ok } = checkCommand(file);
      (ok ? print : (t: string) => io.stderr(`${t}\n`))(output);
      if (!ok) exitCode = 1;
    });

  program
    .command('fmt')
    .argument('<file>', 'a .se file')
    .description('format a .se file in the canonical style, keeping comments')
    .option('--write', 'rewrite the file in place')
    .option('--check', 'exit 1 if the file is not formatted')
    .addHelpText('after', '\nExample:\n  excite fmt my-model.se --write')
    .action((file: string, options: { write?: boolean; check?: boolean }) => {
      const { output, ok } = fmtCommand(file, options);
      (ok ? print : (t: string) => io.stderr(`${t}\n`))(output);
      if (!ok) exitCode = 1;
    });

  program
    .command('ir')
    .argument('<model>', modelHelp)
    .description('print the IR graph of a model, as elaborated or after a compiler pipeline')
    .option('--input <HxW>', 'input height x width')
    .option('--model <name>', 'which model of a .se file declaring several')
    .option('--pipeline <name>', `run a pipeline first: ${Object.keys(PIPELINES).join(', ')}`, 'none')
    .option('--dump-after-each', 'print the IR after every stage of the pipeline, with node counts')
    .option('--trace', 'list every rewrite: rule, matched nodes, source line')
    .option('--seed <n>', 'seed of the weights folding passes compute from', '0')
    .option('--json', 'print the final graph as JSON: { name, input, output, nodes: [{ name, op, inputs, outputs, attributes }] }')
    .addHelpText('after', '\nExample:\n  excite ir se-resnet-50\n  excite ir se-resnet-50 --pipeline inference --dump-after-each\n  excite ir se-resnet-50 --pipeline inference --json')
    .action((target: string, options: IrOptions) => print(irCommand(target, options)));

  program
    .command('compile')
    .argument('<model>', modelHelp)
    .description('compile a model for inference and write deployable artifacts')
    .option('--target <names>', `comma-separated targets: ${Object.entries(TARGETS).map(([name, t]) => `${name} (${t.doc})`).join('; ')}`)
    .option('--out <dir>', 'folder to write into (created if missing)')
    .option('--input <HxW>', 'input height x width (default: the model\'s)')
    .option('--model <name>', 'which model of a .se file declaring several')
    .option('--seed <n>', 'seed of the random weights', '0')
    .option('--opset <n>', 'ONNX opset, 13-21 (default 17)')
    .option('--onnx-functions', 'ONNX: each SE excitation and SE scale + residual sum as a local function')
    .option('--onnx-profile <name>', 'ONNX: standard (default) or ort-cpu (SE formulated for onnxruntime\'s CPU layout pass)')
    .option('--wgsl-max-binding <MiB>', 'WGSL: the largest storage binding the target devices allow (default 128, what every WebGPU device has)')
    .addHelpText('after', '\nExample:\n  excite compile se-resnet-50 --target onnx,tfjs,wgsl --out build\n  excite compile my-model.se --target onnx --out build --input 64x64 --onnx-profile ort-cpu')
    .action(async (target: string, options: CompileCommandOptions) => print(await compileCommand(target, options, version)));

  program
    .command('verify')
    .argument('<model>', modelHelp)
    .description('compile a model, run it on every target with the same weights and input, and compare each with the reference interpreter (exit 1 on any failure)')
    .option('--targets <names>', `comma-separated: ${Object.keys(VERIFY_TARGETS).join(', ')} (default: all)`)
    .option('--input <HxW>', 'input height x width (default: the model\'s)')
    .option('--model <name>', 'which model of a .se file declaring several')
    .option('--seed <n>', 'seed of the random weights and input', '0')
    .option('--runs <n>', 'timed runs per target after a warm-up (the table shows the median)', '5')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExample:\n  excite verify se-resnet-50\n  excite verify my-model.se --targets onnx,wgsl --input 64x64')
    .action(async (target: string, options: VerifyCommandOptions) => {
      const progress = createProgress('verify', Boolean(io.tty), io.stderr);
      try {
        const { output, pass } = await verifyCommand(target, options, progress);
        progress.stop();
        print(output);
        if (!pass) exitCode = 1;
      } finally {
        progress.stop();
      }
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with code 0; usage mistakes have already been printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof SourcedError) {
      io.stderr(`${renderDiagnostics(error.error.diagnostics, error.sources)}\n`);
      return 1;
    }
    if (error instanceof DiagnosticError) {
      io.stderr(`${renderDiagnostics(error.diagnostics, new Map())}\n`);
      return 1;
    }
    throw error;
  }
  return exitCode;
}

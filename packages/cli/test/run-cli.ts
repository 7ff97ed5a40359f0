import { runCli } from '../src/index.js';

/** Runs the CLI in-process and captures what it prints and its exit code. */
export async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

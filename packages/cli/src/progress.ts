import { SingleBar, Presets } from 'cli-progress';

export type Progress = ((step: string, index: number, steps: number) => void) & { stop(): void };

/**
 * Shows a long command's progress on stderr: a bar on a terminal, one line per step otherwise (CI logs, pipes,
 * tests), so the output never fills a log with redraws.
 */
export function createProgress(label: string, tty: boolean, write: (text: string) => void): Progress {
  if (!tty) {
    const report = ((step: string, index: number, steps: number) => {
      if (index < steps) write(`${label} [${index + 1}/${steps}] ${step}\n`);
    }) as Progress;
    report.stop = () => {};
    return report;
  }
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {step}`, hideCursor: true, clearOnComplete: true, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  const report = ((step: string, index: number, steps: number) => {
    if (!started) {
      bar.start(steps, index, { step });
      started = true;
    } else bar.update(index, { step });
  }) as Progress;
  report.stop = () => {
    if (started) bar.stop();
    started = false;
  };
  return report;
}

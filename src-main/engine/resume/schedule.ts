import type { CheckpointEvery } from '../protocol';
import type { LoopCheckpoint, LoopState } from '../train-loop';

/**
 * When a job saves a resume point: `every.steps` optimizer steps or `every.seconds` seconds after the
 * last save (or the start), whichever comes first; never without a setting. Steps count over a whole
 * run (every stage of a task sequence).
 */
export class ResumeSchedule {
  private lastStep: number;
  private lastTime = performance.now();

  /** startStep: the step the job starts (or resumes) at. */
  constructor(
    private readonly every: CheckpointEvery | undefined,
    startStep: number,
  ) {
    for (const key of ['steps', 'seconds'] as const) {
      const value = every?.[key];
      if (value !== undefined && !(value > 0)) throw new Error(`checkpointEvery.${key} must be a positive number, got ${value}`);
    }
    this.lastStep = startStep;
  }

  /** The checkpoint of one training loop whose step 0 is run step `offset`; `save` gets the loop's position and the run's step. None without a setting. */
  forLoop(offset: number, save: (loop: LoopState, step: number) => void): LoopCheckpoint | undefined {
    if (!this.every) return undefined;
    return {
      due: (step) => this.due(step + offset),
      save: (loop) => {
        save(loop, loop.step + offset);
        this.saved(loop.step + offset);
      },
    };
  }

  private due(step: number): boolean {
    const { steps, seconds } = this.every ?? {};
    if (steps !== undefined && step - this.lastStep >= steps) return true;
    return seconds !== undefined && (performance.now() - this.lastTime) / 1000 >= seconds;
  }

  private saved(step: number): void {
    this.lastStep = step;
    this.lastTime = performance.now();
  }
}

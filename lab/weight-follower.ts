// Makes the lab's router follow traffic weights held elsewhere, the way an Application Load
// Balancer or Route 53's weighted answers split users: it polls a reader (the ALB rule or the
// weighted records in moto, through the switches' own read calls) and sets the router's split.
// A failed poll keeps the last split.
import type { Color } from './types.js';

export interface WeightSource {
  /** The current percent per color, e.g. readAlbWeights against moto. */
  read: () => Promise<Record<Color, number>>;
  /** @default 100 */
  pollIntervalMs?: number;
}

export class WeightFollower {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  failedPolls = 0;
  lastError: string | undefined;

  constructor(
    private readonly source: WeightSource,
    private readonly onWeights: (weights: Record<Color, number>) => void,
  ) {}

  /** Polls once now (so the router starts on the provider's split), then every interval. */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  async poll(): Promise<void> {
    try {
      this.onWeights(await this.source.read());
    } catch (err) {
      this.failedPolls++;
      this.lastError = (err as Error).message;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.schedule());
    }, this.source.pollIntervalMs ?? 100);
    this.timer.unref();
  }
}

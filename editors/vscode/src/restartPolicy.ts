/**
 * When a crashed server is restarted: at most `max` times within `windowMs`, like
 * vscode-languageclient's default, but ours so the panel can say "restarting" and then "stopped".
 * Pure (clock injected) so it is unit-tested.
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly max = 4,
    readonly windowMs = 3 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record a crash; whether to restart, and how many crashes are in the window now. */
  crashed(): { restart: boolean; count: number } {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    return { restart: this.crashes.length <= this.max, count: this.crashes.length };
  }

  /** A manual restart starts counting afresh. */
  reset(): void {
    this.crashes = [];
  }
}

/**
 * Runs tasks as they are submitted with at most `limit` in flight (a queue for work discovered while
 * paging). `settled()` waits for everything submitted and rethrows the first failure; submitted tasks
 * never produce unhandled rejections.
 */
export class TaskLimiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly pending = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  submit(task: () => Promise<void>): void {
    const done = this.acquire()
      .then(() => (this.failure ? undefined : task()))
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.release();
        this.pending.delete(done);
      });
    this.pending.add(done);
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.failure) throw this.failure.error;
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}

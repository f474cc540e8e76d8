// Preloaded into a worker process (`node --import ./bench/support/fast-clock.mjs …`) to make its
// wall clock run BENCH_CLOCK_FACTOR times faster, so a 24 h monitor window ends in a minute.
// Only Date moves faster: timers, heartbeats and the server keep real time. Workflow code is
// untouched (its sandbox has its own Date, driven by workflow time).
const factor = Number(process.env.BENCH_CLOCK_FACTOR ?? '1');
if (factor > 1) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  const origin = realNow();
  const now = () => Math.round(origin + (realNow() - origin) * factor);
  class FastDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now());
      else super(...args);
    }
    static now() {
      return now();
    }
  }
  globalThis.Date = FastDate;
}

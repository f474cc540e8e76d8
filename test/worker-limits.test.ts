// The worker's knobs from its environment (worker/main.ts workerLimits): each is a whole number
// with a floor, a bad one stops the worker naming the variable, and each reaches the SDK's option.
import { describe, expect, it } from 'vitest';
import { workerLimits } from '../worker/main.js';

describe('worker knobs', () => {
  it('BLUEGREEN_WORKER_STICKY_TIMEOUT_MS becomes the sticky queue timeout; unset leaves the SDK default', () => {
    expect(workerLimits({ BLUEGREEN_WORKER_STICKY_TIMEOUT_MS: '1000' })).toMatchObject({
      stickyQueueScheduleToStartTimeout: 1000,
    });
    expect(workerLimits({})).not.toHaveProperty('stickyQueueScheduleToStartTimeout');
    expect(workerLimits({})).toEqual({ maxConcurrentActivityTaskExecutions: 1000 });
  });

  it.each([
    ['BLUEGREEN_WORKER_STICKY_TIMEOUT_MS', '1s', /BLUEGREEN_WORKER_STICKY_TIMEOUT_MS must be a whole number ≥ 500, not "1s"/],
    ['BLUEGREEN_WORKER_STICKY_TIMEOUT_MS', '100', /BLUEGREEN_WORKER_STICKY_TIMEOUT_MS must be a whole number ≥ 500, not "100"/],
    ['BLUEGREEN_WORKER_MAX_ACTIVITIES', '0', /BLUEGREEN_WORKER_MAX_ACTIVITIES must be a whole number ≥ 1, not "0"/],
    [
      'BLUEGREEN_WORKER_MAX_CACHED_WORKFLOWS',
      '2.5',
      /BLUEGREEN_WORKER_MAX_CACHED_WORKFLOWS must be a whole number ≥ 2, not "2.5"/,
    ],
  ])('%s=%s is refused naming the variable', (name, value, error) => {
    expect(() => workerLimits({ [name]: value })).toThrow(error);
  });
});

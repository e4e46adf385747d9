// The cluster's pure parts: its options and their errors, the restart backoff, the crash
// window, and when reusePort can be used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import fc from 'fast-check';
import { resolveClusterOptions } from '../../src/cluster/options.js';
import { restartDelay } from '../../src/cluster/backoff.js';
import { CrashWindow } from '../../src/cluster/crash-window.js';
import { reusePortUnsupported } from '../../src/io/server-registry.js';
import { cluster } from '../../src/index.js';

test('cluster options: the defaults are one worker per core, 10 s of grace, 5 exits in 60 s', () => {
  assert.deepEqual(resolveClusterOptions({}), {
    workers: os.availableParallelism(),
    restart: { initialDelayMs: 100, maxDelayMs: 10_000 },
    graceMs: 10_000,
    crashLoop: { exits: 5, windowMs: 60_000 },
    reusePort: false,
  });
  assert.equal(resolveClusterOptions({ restart: false }).restart, false);
  assert.deepEqual(resolveClusterOptions({ restart: { initialDelayMs: 20_000 } }).restart, {
    initialDelayMs: 20_000,
    maxDelayMs: 20_000,
  });
});

test('cluster options: a bad value is named, with what was expected and what came', () => {
  const cases: [unknown, RegExp][] = [
    [null, /cluster\(options, main\): options must be an object, got null/],
    [{ workers: 0 }, /options\.workers must be an integer >= 1, got 0/],
    [{ workers: 1.5 }, /options\.workers must be an integer >= 1, got 1\.5/],
    [{ workers: '2' }, /options\.workers must be an integer >= 1, got "2"/],
    [{ graceMs: -1 }, /options\.graceMs must be a finite number >= 0, got -1/],
    [{ restart: 'yes' }, /options\.restart must be a boolean or an object/],
    [{ restart: { initialDelay: 5 } }, /unknown option "restart\.initialDelay"/],
    [
      { restart: { initialDelayMs: 500, maxDelayMs: 100 } },
      /options\.restart\.maxDelayMs \(100\) must be >= options\.restart\.initialDelayMs \(500\)/,
    ],
    [{ crashLoop: { exits: 0 } }, /options\.crashLoop\.exits must be an integer >= 1, got 0/],
    [{ crashLoop: 5 }, /options\.crashLoop must be an object, got 5/],
    [{ reusePort: 'on' }, /options\.reusePort must be a boolean, got "on"/],
    [{ worker: 2 }, /unknown option "worker"; did you mean "workers"\?/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => resolveClusterOptions(options), message, String(message));
  }
});

test('cluster(options, main): main must be a function, and is checked before anything starts', async () => {
  await assert.rejects(
    cluster({ workers: 1 }, 'main.js' as unknown as () => void),
    /cluster\(options, main\): main must be a function, got "main\.js"/,
  );
});

test('restart backoff: doubles from the initial delay, and never passes the maximum', () => {
  const restart = { initialDelayMs: 100, maxDelayMs: 10_000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 8, 1000].map((n) => restartDelay(n, restart)),
    [100, 200, 400, 800, 1600, 10_000, 10_000],
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000 }),
      fc.nat(60_000),
      fc.nat(60_000),
      (n, initial, extra) => {
        const r = { initialDelayMs: initial, maxDelayMs: initial + extra };
        const delay = restartDelay(n, r);
        return delay >= initial && delay <= initial + extra && restartDelay(n + 1, r) >= delay;
      },
    ),
  );
});

test('crash window: counts exactly the exits of the last windowMs', () => {
  fc.assert(
    fc.property(
      fc.array(fc.nat(1000), { maxLength: 50 }),
      fc.integer({ min: 1, max: 5000 }),
      (gaps, windowMs) => {
        const window = new CrashWindow({ exits: 5, windowMs });
        const times: number[] = [];
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          times.push(now);
          const expected = times.filter((t) => t > now - windowMs).length;
          if (window.record(now) !== expected) return false;
          if (window.isLoop(expected) !== expected >= 5) return false;
        }
        return true;
      },
    ),
  );
});

test('reusePort: supported from node 22.12 and 23.1, on Linux; otherwise the reason', () => {
  assert.equal(reusePortUnsupported('24.21.0', 'linux'), null);
  assert.equal(reusePortUnsupported('22.12.0', 'linux'), null);
  assert.equal(reusePortUnsupported('23.1.0', 'linux'), null);
  assert.match(
    reusePortUnsupported('22.11.0', 'linux') as string,
    /node 22\.11\.0 has no reusePort option \(it needs node >= 22\.12 or >= 23\.1\)/,
  );
  assert.match(reusePortUnsupported('20.20.2', 'linux') as string, /node 20\.20\.2 has no/);
  assert.match(reusePortUnsupported('24.0.0', 'darwin') as string, /darwin does not spread/);
  if (reusePortUnsupported() !== null) {
    assert.throws(
      () => resolveClusterOptions({ reusePort: true }),
      /options\.reusePort cannot be used here: .*; leave it out to share the port through the primary/,
    );
  }
});

/**
 * Bug 2, a lock-order deadlock: a transfer from A to B locks A then B, a transfer from B to
 * A locks B then A. When each takes its first lock before the other takes its second, both
 * wait forever. A plain run (FIFO) passes; `explore` finds the schedule, and the virtual
 * clock turns the hang into a `DeadlockError` that names who holds and who waits for which
 * lock.
 *
 * Run it: `node dist/examples/bugs/lock-order.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { all, explore, Lock, spawn, yieldNow } from 'simul';

// example:start
interface Account {
  name: string;
  balance: number;
  lock: Lock;
}

function openAccounts(): [Account, Account] {
  return [
    { name: 'A', balance: 100, lock: new Lock() },
    { name: 'B', balance: 100, lock: new Lock() },
  ];
}

/** The buggy transfer: it locks `from`, then `to`, whatever order other transfers use. */
async function transfer(from: Account, to: Account, amount: number): Promise<void> {
  await from.lock.acquire();
  try {
    await yieldNow(); // check the balance (a round trip)
    await to.lock.acquire();
    try {
      from.balance -= amount;
      to.balance += amount;
    } finally {
      to.lock.release();
    }
  } finally {
    from.lock.release();
  }
}

export async function lockOrderAsync(): Promise<void> {
  const [a, b] = openAccounts();
  const first = spawn(() => transfer(a, b, 10), { name: 'a-to-b' });
  const second = spawn(
    async () => {
      await yieldNow(); // look up the accounts first
      await transfer(b, a, 20);
    },
    { name: 'b-to-a' },
  );
  await all([first, second]);
}

function* genTransfer(
  from: Account,
  to: Account,
  amount: number,
): Generator<unknown, void, unknown> {
  yield* from.lock.acquire();
  try {
    yield* yieldNow();
    yield* to.lock.acquire();
    try {
      from.balance -= amount;
      to.balance += amount;
    } finally {
      to.lock.release();
    }
  } finally {
    from.lock.release();
  }
}

export function* lockOrderGenerator(): Generator<unknown, void, unknown> {
  const [a, b] = openAccounts();
  const first = spawn(() => genTransfer(a, b, 10), { name: 'a-to-b' });
  const second = spawn(
    function* () {
      yield* yieldNow();
      yield* genTransfer(b, a, 20);
    },
    { name: 'b-to-a' },
  );
  yield* all([first, second]);
}
// example:end

// The program: explore both styles and print what was found (the tests import this file).
if (isProgram()) {
  for (const [style, body] of [
    ['async functions', lockOrderAsync],
    ['generators', lockOrderGenerator],
  ] as const) {
    const report = await explore(body, { policy: 'pct', runs: 200, stopOnFailure: true });
    const failure = report.failures[0];
    console.log(`${style}: ${failure ? `found in ${report.runs} runs` : 'not found'}`);
    if (failure) console.log(failure.description);
  }
}

/** Whether node was started with this file rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}

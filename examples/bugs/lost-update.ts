/**
 * Bug 1, a lost update: two deposits each read the balance, wait for something, and write
 * back what they read plus their amount. If the second reads before the first writes, one
 * deposit vanishes. A plain run (FIFO) happens to pass, so the bug hides until production.
 * `explore` finds the interleaving, `replay` reproduces it, `shrink` says which single
 * choice causes it.
 *
 * Run it: `node dist/examples/bugs/lost-update.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { all, explore, spawn, yieldNow } from 'simul';

// example:start
/** A bank account stored "remotely": every read and write is a round trip (a task switch). */
class Account {
  private stored = 100;
  async read(): Promise<number> {
    await yieldNow(); // the round trip
    return this.stored;
  }
  async write(value: number): Promise<void> {
    await yieldNow();
    this.stored = value;
  }
  get balance(): number {
    return this.stored;
  }
}

/** The buggy deposit: read, then write back (no lock around the two). */
async function deposit(account: Account, amount: number): Promise<void> {
  const balance = await account.read();
  await account.write(balance + amount);
}

export async function lostUpdateAsync(): Promise<void> {
  const account = new Account();
  const alice = spawn(() => deposit(account, 50), { name: 'alice' });
  const bob = spawn(
    async () => {
      await yieldNow(); // bob logs in first: one round trip
      await deposit(account, 50);
    },
    { name: 'bob' },
  );
  await all([alice, bob]);
  if (account.balance !== 200)
    throw new Error(`lost update: balance is ${account.balance}, not 200`);
}

/** The same account and bug, written with generators. */
class GenAccount {
  private stored = 100;
  *read(): Generator<unknown, number, unknown> {
    yield* yieldNow();
    return this.stored;
  }
  *write(value: number): Generator<unknown, void, unknown> {
    yield* yieldNow();
    this.stored = value;
  }
  get balance(): number {
    return this.stored;
  }
}

function* genDeposit(account: GenAccount, amount: number): Generator<unknown, void, unknown> {
  const balance = yield* account.read();
  yield* account.write(balance + amount);
}

export function* lostUpdateGenerator(): Generator<unknown, void, unknown> {
  const account = new GenAccount();
  const alice = spawn(() => genDeposit(account, 50), { name: 'alice' });
  const bob = spawn(
    function* () {
      yield* yieldNow();
      yield* genDeposit(account, 50);
    },
    { name: 'bob' },
  );
  yield* all([alice, bob]);
  if (account.balance !== 200)
    throw new Error(`lost update: balance is ${account.balance}, not 200`);
}
// example:end

// The program: explore both styles and print what was found (the tests import this file).
if (isProgram()) {
  for (const [style, body] of [
    ['async functions', lostUpdateAsync],
    ['generators', lostUpdateGenerator],
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

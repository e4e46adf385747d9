import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  now,
  all,
  moveOnAfter,
  withTimeout,
  dumpTasks,
  Channel,
  ChannelClosedError,
  QueueClosedError,
  CancelledError,
  TimeoutError,
} from '../../src/index.js';
import { outcome } from './outcome.js';

const virtual = { clock: 'virtual' } as const;

test('bad capacities are rejected with a message naming the argument and the value', () => {
  assert.throws(() => new Channel(-1), {
    name: 'RangeError',
    message: 'Channel(capacity): capacity must be an integer >= 0 or Infinity, got -1',
  });
  assert.throws(() => new Channel(NaN), { name: 'RangeError' });
  assert.throws(() => new Channel('1' as never), { name: 'TypeError' });
  assert.equal(new Channel().statistics().capacity, 0);
  assert.equal(new Channel(Infinity).statistics().capacity, Infinity);
});

test('capacity 0 is a rendezvous: send returns only once a receiver has the item', async () => {
  const log: string[] = [];
  await run(async () => {
    const ch = new Channel<string>();
    spawn(async () => {
      await ch.send('a');
      log.push(`sent a at t=${now()}`);
      await ch.send('b');
      log.push(`sent b at t=${now()}`);
    });
    await sleep(10);
    assert.equal(ch.statistics().senders, 1);
    assert.equal(ch.statistics().buffered, 0);
    log.push(`received ${await ch.receive()} at t=${now()}`);
    await sleep(10);
    log.push(`received ${await ch.receive()} at t=${now()}`);
  }, virtual);
  assert.deepEqual(log, [
    'received a at t=10',
    'sent a at t=10',
    'received b at t=20',
    'sent b at t=20',
  ]);
});

test('a rendezvous with a receiver already waiting completes the send at once', async () => {
  const log: string[] = [];
  await run(function* () {
    const ch = new Channel<number>();
    const receiver = spawn(() => ch.receive());
    yield* sleep(1);
    spawn(function* () {
      log.push('other');
    });
    yield* ch.send(7);
    log.push('sent');
    assert.equal(yield* receiver, 7);
  }, virtual);
  assert.deepEqual(log, ['sent', 'other']);
});

test('a buffered channel lets the sender run ahead by its capacity, no more', async () => {
  await run(async () => {
    const ch = new Channel<number>(2);
    let sent = 0;
    spawn(async () => {
      for (let i = 0; i < 5; i++) {
        await ch.send(i);
        sent++;
      }
      ch.close();
    });
    await sleep(1);
    assert.equal(sent, 2);
    assert.deepEqual(ch.statistics(), {
      buffered: 2,
      capacity: 2,
      senders: 1,
      receivers: 0,
      closed: false,
    });
    const got: number[] = [];
    for await (const x of ch) got.push(x);
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
  }, virtual);
});

test('iteration in both styles: for await, yield* next(), forEach', async () => {
  const producer = (ch: Channel<number>) =>
    spawn(function* () {
      for (let i = 0; i < 3; i++) yield* ch.send(i);
      ch.close();
    });
  await run(async () => {
    const ch = new Channel<number>();
    producer(ch);
    const got: number[] = [];
    for await (const x of ch) got.push(x);
    assert.deepEqual(got, [0, 1, 2]);
  }, virtual);
  await run(function* () {
    const ch = new Channel<number>();
    producer(ch);
    const got: number[] = [];
    for (;;) {
      const r = yield* ch.next();
      if (r.done) break;
      got.push(r.value);
    }
    assert.deepEqual(got, [0, 1, 2]);
  }, virtual);
  await run(function* () {
    const ch = new Channel<number>();
    producer(ch);
    const got: number[] = [];
    yield* ch.forEach((x) => got.push(x));
    assert.deepEqual(got, [0, 1, 2]);
  }, virtual);
  await run(async () => {
    const ch = new Channel<number>();
    producer(ch);
    const got: number[] = [];
    await ch.forEach(async (x) => {
      await sleep(1);
      got.push(x);
    });
    assert.deepEqual(got, [0, 1, 2]);
    assert.equal(now(), 3);
  }, virtual);
});

test('leaving a for await loop early does not close the channel', async () => {
  await run(async () => {
    const ch = new Channel<number>(10);
    for (let i = 0; i < 4; i++) await ch.send(i);
    for await (const x of ch) if (x === 1) break;
    assert.equal(ch.closed, false);
    assert.equal(await ch.receive(), 2);
  }, virtual);
});

test('close: sends fail with ChannelClosedError, buffered items drain, then receive throws', async () => {
  await run(async () => {
    const ch = new Channel<string>(1, { name: 'frames' });
    await ch.send('buffered');
    const blocked = spawn(() => outcome(ch.send('blocked')));
    const rendezvous = new Channel<string>();
    const waitingReceiver = spawn(() => outcome(rendezvous.receive()));
    const iterating = spawn(async () => {
      const got: string[] = [];
      for await (const x of rendezvous) got.push(x);
      return got;
    });
    await sleep(1);
    ch.close();
    rendezvous.close();
    const refused = await blocked;
    assert.ok(refused instanceof ChannelClosedError);
    assert.equal(refused.code, 'ERR_SIMUL_CHANNEL_CLOSED');
    assert.equal(refused.message, 'Channel#1 (frames).send(): the channel is closed');
    assert.ok((await waitingReceiver) instanceof ChannelClosedError);
    assert.deepEqual(await iterating, []);
    await assert.rejects(async () => await ch.send('late'), ChannelClosedError);
    assert.equal(await ch.receive(), 'buffered');
    const error = await (async () => {
      try {
        await ch.receive();
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ChannelClosedError);
    assert.ok(error instanceof QueueClosedError, 'a channel is a queue with other verbs');
    assert.equal(error.message, 'Channel#1 (frames).receive(): the channel is closed and drained');
  }, virtual);
});

test('a cancelled send on a rendezvous delivers nothing', async () => {
  await run(async () => {
    const ch = new Channel<string>();
    const sender = spawn(() => outcome(withTimeout(5, () => ch.send('never'))));
    assert.ok((await sender) instanceof TimeoutError);
    assert.equal(ch.statistics().senders, 0);
    assert.equal(await moveOnAfter(5, () => ch.receive()), undefined);
  }, virtual);
});

test('a cancelled receive loses no item', async () => {
  await run(async () => {
    const ch = new Channel<string>();
    const receiver = spawn(() => ch.receive());
    await sleep(1);
    receiver.cancel();
    await assert.rejects(async () => await receiver, CancelledError);
    const sender = spawn(() => ch.send('item'));
    assert.equal(await ch.receive(), 'item');
    await sender;
  }, virtual);
});

test('a sender cancelled as its item is taken has still sent it', async () => {
  await run(async () => {
    const ch = new Channel<string>();
    const sender = spawn(async () => {
      await ch.send('item');
      return 'sent';
    });
    await sleep(1);
    const item = await ch.receive(); // completes the send...
    sender.cancel(); // ...before the sender runs again
    assert.equal(item, 'item');
    assert.equal(await sender, 'sent');
  }, virtual);
});

test('many senders and receivers on a rendezvous: every item delivered once, per-sender order kept', async () => {
  const got: string[][] = [[], [], []];
  await run(async () => {
    const ch = new Channel<string>();
    const senders = [0, 1, 2, 3].map((s) =>
      spawn(function* () {
        for (let i = 0; i < 10; i++) {
          yield* ch.send(`${s}:${i}`);
          if (i % 3 === s % 3) yield* sleep(1);
        }
      }),
    );
    const receivers = got.map((list) =>
      spawn(async () => {
        for await (const x of ch) list.push(x);
      }),
    );
    await all(senders);
    ch.close();
    await all(receivers);
  }, virtual);
  const all40 = got.flat().sort();
  assert.equal(all40.length, 40);
  assert.equal(new Set(all40).size, 40);
  for (const list of got) {
    for (let s = 0; s < 4; s++) {
      const seq = list.filter((x) => x.startsWith(`${s}:`)).map((x) => Number(x.split(':')[1]));
      assert.deepEqual(
        seq,
        [...seq].sort((a, b) => a - b),
      );
    }
  }
});

test('the dump says a rendezvous sender waits for a receiver', async () => {
  await run(async () => {
    const ch = new Channel<number>(0, { name: 'ticks' });
    spawn(() => ch.send(1), { name: 'ticker' });
    await sleep(1);
    assert.match(
      dumpTasks(),
      /#2 ticker \[waiting\]\n\s+waiting on Channel#1 \(ticks\) send \(rendezvous, no receiver; 1 waiting\)/,
    );
    await ch.receive();
  }, virtual);
});

/**
 * Property tests: whatever way a byte stream is split into chunks on its way in, the reads
 * of a Stream give the same results (asyncio's readuntil/readexactly semantics), both with
 * a stream fed in memory and over a real socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import {
  connect,
  IncompleteReadError,
  LimitOverrunError,
  run,
  spawn,
  Stream,
  until,
} from '../../src/index.js';
import { ReadBuffer } from '../../src/io/read-buffer.js';
import { LOCAL } from './helpers.js';

type Op =
  | { kind: 'until'; sep: string; limit: number }
  | { kind: 'exactly'; n: number }
  | { kind: 'read'; max: number };

type Outcome =
  | { ok: string }
  | { incomplete: string; expected: number | null }
  | { overrun: number }
  | { end: true };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('until' as const),
    sep: fc.constantFrom('\n', '\r\n', 'ab', 'aab'),
    limit: fc.integer({ min: 4, max: 24 }),
  }),
  fc.record({ kind: fc.constant('exactly' as const), n: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ kind: fc.constant('read' as const), max: fc.integer({ min: 1, max: 8 }) }),
);

const dataArb = fc
  .array(fc.constantFrom('a', 'b', '\n', '\r', 'x'), { maxLength: 80 })
  .map((cs) => cs.join(''));

/** The chunking: cut points into the data. */
function chunksOf(data: string, cuts: number[]): Buffer[] {
  const bytes = Buffer.from(data);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  return out;
}

/**
 * The model: reads on the whole byte string at once. `read` results depend on the chunking
 * (a read returns what has arrived), so the model takes the length the stream returned.
 */
function model(data: string, ops: Op[], readLengths: number[]): Outcome[] {
  let pos = 0;
  const out: Outcome[] = [];
  let r = 0;
  for (const op of ops) {
    const rest = data.length - pos;
    if (op.kind === 'exactly') {
      if (rest >= op.n) {
        out.push({ ok: data.slice(pos, pos + op.n) });
        pos += op.n;
      } else {
        out.push({ incomplete: data.slice(pos), expected: op.n });
        pos = data.length;
      }
    } else if (op.kind === 'read') {
      if (rest === 0) out.push({ end: true });
      else {
        const n = readLengths[r++];
        out.push({ ok: data.slice(pos, pos + n) });
        pos += n;
      }
    } else {
      const i = data.indexOf(op.sep, pos);
      if (i >= 0 && i - pos + op.sep.length <= op.limit) {
        out.push({ ok: data.slice(pos, i + op.sep.length) });
        pos = i + op.sep.length;
      } else if (i >= 0 || rest >= op.limit) {
        out.push({ overrun: op.limit });
      } else {
        out.push({ incomplete: data.slice(pos), expected: null });
        pos = data.length;
      }
    }
  }
  return out;
}

function describe(result: unknown, error: unknown): Outcome {
  if (error instanceof IncompleteReadError) {
    return { incomplete: error.partial.toString(), expected: error.expected };
  }
  if (error instanceof LimitOverrunError) return { overrun: error.limit };
  if (error !== undefined) throw error;
  if (result === null) return { end: true };
  return { ok: (result as Buffer).toString() };
}

/** Runs `ops` on `stream` in an async task; returns the outcomes and the lengths reads returned. */
async function readAll(
  stream: Stream,
  ops: Op[],
): Promise<{ outcomes: Outcome[]; lengths: number[] }> {
  const outcomes: Outcome[] = [];
  const lengths: number[] = [];
  for (const op of ops) {
    let result: unknown;
    let error: unknown;
    try {
      if (op.kind === 'until') result = await stream.readUntil(op.sep, { limit: op.limit });
      else if (op.kind === 'exactly') result = await stream.readExactly(op.n);
      else {
        result = await stream.read(op.max);
        if (result !== null) lengths.push((result as Buffer).length);
      }
    } catch (e) {
      error = e;
    }
    outcomes.push(describe(result, error));
  }
  return { outcomes, lengths };
}

/** The same, in a generator task. */
function* readAllGen(
  stream: Stream,
  ops: Op[],
): Generator<unknown, { outcomes: Outcome[]; lengths: number[] }, unknown> {
  const outcomes: Outcome[] = [];
  const lengths: number[] = [];
  for (const op of ops) {
    let result: unknown;
    let error: unknown;
    try {
      if (op.kind === 'until') result = yield* stream.readUntil(op.sep, { limit: op.limit });
      else if (op.kind === 'exactly') result = yield* stream.readExactly(op.n);
      else {
        result = yield* stream.read(op.max);
        if (result !== null) lengths.push((result as Buffer).length);
      }
    } catch (e) {
      error = e;
    }
    outcomes.push(describe(result, error));
  }
  return { outcomes, lengths };
}

test('ReadBuffer.indexOf finds a separator across any chunk boundaries, as indexOf on the joined bytes does', () => {
  fc.assert(
    fc.property(
      dataArb,
      fc.array(fc.nat(), { maxLength: 20 }),
      fc.constantFrom('\n', '\r\n', 'ab', 'aab', 'xxxx'),
      fc.nat({ max: 30 }),
      fc.nat({ max: 10 }),
      (data, cuts, sep, from, consumed) => {
        const buffer = new ReadBuffer();
        for (const chunk of chunksOf(data, cuts)) buffer.push(chunk);
        const skip = Math.min(consumed, buffer.length);
        const taken = buffer.take(skip).toString();
        assert.equal(taken, data.slice(0, skip));
        const rest = Buffer.from(data).subarray(skip);
        assert.equal(buffer.indexOf(Buffer.from(sep), from), rest.indexOf(sep, from));
      },
    ),
    { numRuns: 500 },
  );
});

test('any chunking of a byte stream gives the same readUntil/readExactly results (in memory, both styles)', async () => {
  await fc.assert(
    fc.asyncProperty(
      dataArb,
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.array(opArb, { minLength: 1, maxLength: 12 }),
      fc.boolean(),
      async (data, cuts, ops, generator) => {
        const source = new PassThrough();
        const stream = new Stream(source, null, 'test stream');
        const got = await run(async () => {
          const reader = spawn(
            generator ? () => readAllGen(stream, ops) : () => readAll(stream, ops),
          );
          // Feed the chunks with real pauses, so reads wait and resume in between.
          for (const chunk of chunksOf(data, cuts)) {
            source.write(chunk);
            await until(new Promise((resolve) => setImmediate(resolve)));
          }
          source.end();
          return reader;
        });
        assert.deepEqual(got.outcomes, model(data, ops, got.lengths));
      },
    ),
    { numRuns: 200 },
  );
});

test('any chunking of a byte stream gives the same readUntil/readExactly results over a real socket', async () => {
  let next: ((socket: net.Socket) => void) | null = null;
  const server = net.createServer((socket) => next?.(socket));
  await new Promise<void>((resolve) => server.listen(0, LOCAL, resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    await fc.assert(
      fc.asyncProperty(
        dataArb,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(opArb, { minLength: 1, maxLength: 10 }),
        async (data, cuts, ops) => {
          const chunks = chunksOf(data, cuts);
          next = (socket) => {
            socket.setNoDelay(true);
            // The client may be done (a read failed early) and gone before everything is sent.
            socket.on('error', () => {});
            let i = 0;
            const send = (): void => {
              if (socket.destroyed) return;
              if (i < chunks.length) {
                socket.write(chunks[i++]);
                setTimeout(send, 1);
              } else socket.end();
            };
            send();
          };
          const got = await run(async () => {
            const stream = await connect(port, LOCAL);
            try {
              return await readAll(stream, ops);
            } finally {
              await stream.close();
            }
          });
          assert.deepEqual(got.outcomes, model(data, ops, got.lengths));
        },
      ),
      { numRuns: 25 },
    );
  } finally {
    server.close();
  }
});

// Property tests of the scheduler's invariants: random trees of tasks (both styles) with
// random sleeps, failures, cancellations, timeouts, shields and task groups, run under the
// virtual clock with random and PCT schedules.
//
//   1. run always settles (never hangs);
//   2. every task body's finally block runs exactly once;
//   3. no task finishes after its parent;
//   4. the errors that reach run are exactly those thrown and not contained by a task
//      group's catch, each once, and no CancelledError escapes an uncancelled root;
//   5. the same program with the same seed gives the same trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  run,
  spawn,
  sleep,
  withTimeout,
  moveOnAfter,
  shield,
  taskGroup,
  TaskGroupError,
  TimeoutError,
  CancelledError,
  type Task,
  type TaskGroup,
  type PolicyName,
} from '../../src/index.js';

type Wrap = 'none' | 'timeout' | 'moveOn' | 'shield' | 'group';

interface Node {
  style: 'async' | 'gen';
  sleepMs: number;
  fail: boolean;
  wrap: Wrap;
  wrapMs: number;
  /** The parent cancels this child after this many ms (null: never). */
  cancelAfter: number | null;
  children: Node[];
}

const leaf = fc.record({
  style: fc.constantFrom('async', 'gen') as fc.Arbitrary<'async' | 'gen'>,
  sleepMs: fc.integer({ min: 0, max: 30 }),
  fail: fc.boolean(),
  wrap: fc.constantFrom(
    'none',
    'none',
    'timeout',
    'moveOn',
    'shield',
    'group',
  ) as fc.Arbitrary<Wrap>,
  wrapMs: fc.integer({ min: 1, max: 40 }),
  cancelAfter: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
});

/** Trees up to four levels deep, up to three children a node. */
function nodeAt(depth: number): fc.Arbitrary<Node> {
  if (depth === 0) return leaf.map((props) => ({ ...props, children: [] }));
  return fc
    .tuple(leaf, fc.array(nodeAt(depth - 1), { maxLength: 3 }))
    .map(([props, children]) => ({ ...props, children }));
}

const tree = nodeAt(3);

interface Observed {
  outcome: string;
  reached: string[];
  thrown: string[];
  contained: string[];
  finallies: Map<string, number>;
  bodies: string[];
  exitOrder: { id: number; parent: number | null }[];
  trace: string[];
}

function flatten(error: unknown): unknown[] {
  return error instanceof TaskGroupError ? error.errors.flatMap(flatten) : [error];
}

function label(error: unknown): string {
  if (error instanceof CancelledError) return 'CancelledError';
  if (error instanceof TimeoutError) return 'TimeoutError';
  return (error as Error).message;
}

async function execute(root: Node, policy: PolicyName, seed: number): Promise<Observed> {
  const obs: Observed = {
    outcome: '',
    reached: [],
    thrown: [],
    contained: [],
    finallies: new Map(),
    bodies: [],
    exitOrder: [],
    trace: [],
  };
  let counter = 0;

  /** The body of a node, in its style; `name` labels its finally and its error. */
  const bodyOf = (node: Node, name: string): (() => unknown) => {
    const spawnChildren = (g: TaskGroup | null): void => {
      node.children.forEach((child, i) => {
        const childName = `${name}.${i}`;
        const body = bodyOf(child, childName);
        const task: Task = g
          ? g.spawn(body, { name: childName })
          : spawn(body, { name: childName });
        if (child.cancelAfter !== null) {
          const ms = child.cancelAfter;
          spawn(
            async () => {
              await sleep(ms);
              task.cancel('by parent');
            },
            { name: `${childName}-canceller` },
          );
        }
      });
    };
    const fail = (): void => {
      if (node.fail) {
        const message = `failure of ${name} #${counter++}`;
        obs.thrown.push(message);
        throw new Error(message);
      }
    };
    const containGroup = (error: unknown): void => {
      if (error instanceof CancelledError) throw error;
      obs.contained.push(...flatten(error).map(label));
    };
    const enter = (): void => {
      obs.bodies.push(name);
    };
    const done = (): void => {
      obs.finallies.set(name, (obs.finallies.get(name) ?? 0) + 1);
    };

    if (node.style === 'async') {
      const inner = async (g: TaskGroup | null): Promise<void> => {
        spawnChildren(g);
        await sleep(node.sleepMs);
        fail();
      };
      return async () => {
        enter();
        try {
          switch (node.wrap) {
            case 'none':
              return await inner(null);
            case 'timeout':
              try {
                return await withTimeout(node.wrapMs, () => inner(null));
              } catch (e) {
                if (!(e instanceof TimeoutError)) throw e;
                return;
              }
            case 'moveOn':
              return void (await moveOnAfter(node.wrapMs, () => inner(null)));
            case 'shield':
              return await shield(() => inner(null));
            case 'group':
              try {
                return await taskGroup((g) => inner(g));
              } catch (e) {
                containGroup(e);
              }
          }
        } finally {
          done();
        }
      };
    }
    const inner = function* (g: TaskGroup | null): Generator<unknown, void, unknown> {
      spawnChildren(g);
      yield* sleep(node.sleepMs);
      fail();
    };
    return function* () {
      enter();
      try {
        switch (node.wrap) {
          case 'none':
            return yield* inner(null);
          case 'timeout':
            try {
              return yield* withTimeout(node.wrapMs, () => inner(null));
            } catch (e) {
              if (!(e instanceof TimeoutError)) throw e;
              return;
            }
          case 'moveOn':
            return void (yield* moveOnAfter(node.wrapMs, () => inner(null)));
          case 'shield':
            return yield* shield(() => inner(null));
          case 'group':
            try {
              return yield* taskGroup((g) => inner(g));
            } catch (e) {
              containGroup(e);
            }
        }
      } finally {
        done();
      }
    };
  };

  const settled = run(bodyOf(root, 'root'), {
    clock: 'virtual',
    schedule: { policy, seed, depth: 3 },
    instruments: [
      {
        stepStarted: (t) => obs.trace.push(String(t.id)),
        taskExited: (t) => {
          obs.exitOrder.push({ id: t.id, parent: t.parent?.id ?? null });
          obs.trace.push(`exit ${t.id} ${t.state}`);
        },
      },
    ],
  }).then(
    () => 'done',
    (error: unknown) => {
      obs.reached = flatten(error).map(label);
      return 'failed';
    },
  );
  let guard: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<string>(
    (resolve) => (guard = setTimeout(() => resolve('hung'), 10_000)),
  );
  obs.outcome = await Promise.race([settled, hung]);
  clearTimeout(guard);
  return obs;
}

function checkInvariants(obs: Observed): void {
  assert.equal(obs.outcome === 'hung', false, 'run did not settle');
  for (const name of obs.bodies) {
    assert.equal(
      obs.finallies.get(name),
      1,
      `finally of ${name} ran ${obs.finallies.get(name)} times`,
    );
  }
  const exitIndex = new Map(obs.exitOrder.map((e, i) => [e.id, i]));
  for (const { id, parent } of obs.exitOrder) {
    if (parent === null) continue;
    assert.ok(
      (exitIndex.get(id) as number) < (exitIndex.get(parent) as number),
      `task #${id} finished after its parent #${parent}`,
    );
  }
  assert.ok(!obs.reached.includes('CancelledError'), 'a CancelledError escaped the root');
  const expected = obs.thrown.filter((m) => !obs.contained.includes(m)).sort();
  assert.deepEqual([...obs.reached].sort(), expected, 'errors reaching run');
  assert.equal(new Set(obs.reached).size, obs.reached.length, 'an error was reported twice');
}

for (const policy of ['random', 'pct'] as const) {
  test(`random task trees keep the scheduler's invariants (${policy} schedules)`, async () => {
    await fc.assert(
      fc.asyncProperty(tree, fc.integer({ min: 0, max: 2 ** 30 }), async (root, seed) => {
        const first = await execute(root, policy, seed);
        checkInvariants(first);
        const second = await execute(root, policy, seed);
        assert.deepEqual(second.trace, first.trace, 'same seed, different trace');
        assert.deepEqual(second.reached, first.reached);
      }),
      { numRuns: 150 },
    );
  });
}

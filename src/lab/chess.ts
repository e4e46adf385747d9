/**
 * `simul chess`: the talk's picture of an event loop, played out on the virtual clock. A
 * chess master plays 24 opponents; a move takes her 5 s and an opponent 55 s, and a game
 * lasts 30 move pairs. One game after the other, that is 24 × 30 × 60 s = 12 h. Walking
 * from board to board, moving and never waiting for an answer, it is about an hour: she
 * is no faster, she just does not wait.
 *
 * Each board is a simul task and the master is a FIFO `Lock`: a board whose opponent has
 * answered queues for her, she moves there (holds the lock for `masterMs`), and the board
 * then waits for its opponent (a sleep of `opponentMs`) while she moves elsewhere. Nothing
 * here is computed by formula: the times are the virtual clock's readings as the tasks
 * run, so the same program shows what happens when the opponents think for longer than a
 * round of the master's — she starts to wait.
 */
import { Lock, now, run, sleep, spawn, all } from '../index.js';
import { clockTime } from './clock-format.js';
import { parseCount, parseMs } from './options.js';

export const CHESS_DEFAULTS = {
  boards: '24',
  moves: '30',
  masterMs: '5000',
  opponentMs: '55000',
} as const;

export interface ChessOptions {
  boards: number;
  moves: number;
  masterMs: number;
  opponentMs: number;
}

/** One move of the master: at which board, which move of that game, when it started. */
export interface MasterMove {
  board: number;
  move: number;
  atMs: number;
}

export interface Exhibition {
  /** From the first move to the last opponent's last answer, in virtual ms. */
  totalMs: number;
  /** Time the master spent moving. */
  busyMs: number;
  /** Time the master stood at boards whose opponent had not answered yet. */
  waitingMs: number;
  /** Every move of the master, in the order she made them. */
  moves: MasterMove[];
}

/** One game after the other: the master sits at a board until its game is over. */
export async function sequential(options: ChessOptions): Promise<Exhibition> {
  const { boards, moves, masterMs, opponentMs } = options;
  return run(
    function* () {
      const played: MasterMove[] = [];
      for (let board = 1; board <= boards; board++) {
        for (let move = 1; move <= moves; move++) {
          played.push({ board, move, atMs: now() });
          yield* sleep(masterMs); // the master moves
          yield* sleep(opponentMs); // and waits while the opponent thinks
        }
      }
      const busyMs = played.length * masterMs;
      return { totalMs: now(), busyMs, waitingMs: now() - busyMs, moves: played };
    },
    { clock: 'virtual' },
  );
}

/** All boards at once: a task per board, the master a Lock they queue for. */
export async function simultaneous(options: ChessOptions): Promise<Exhibition> {
  const { boards, moves, masterMs, opponentMs } = options;
  return run(
    function* () {
      const master = new Lock({ name: 'master' });
      const played: MasterMove[] = [];
      function* game(board: number) {
        for (let move = 1; move <= moves; move++) {
          yield* master.acquire(); // wait for the master to come to this board
          played.push({ board, move, atMs: now() });
          yield* sleep(masterMs);
          master.release(); // she walks on to the next board...
          yield* sleep(opponentMs); // ...while this opponent thinks
        }
      }
      const tasks = [];
      for (let board = 1; board <= boards; board++) {
        tasks.push(spawn(() => game(board), { name: `board ${board}` }));
      }
      yield* all(tasks);
      const busyMs = played.length * masterMs;
      const lastMoveEnd = (played.at(-1)?.atMs ?? 0) + masterMs;
      return { totalMs: now(), busyMs, waitingMs: lastMoveEnd - busyMs, moves: played };
    },
    { clock: 'virtual' },
  );
}

/** The options as the command line gives them: strings, checked here. */
export interface ChessArgs {
  boards?: string;
  moves?: string;
  masterMs?: string;
  opponentMs?: string;
}

export function parseChessArgs(args: ChessArgs): ChessOptions {
  return {
    boards: parseCount('--boards', args.boards ?? CHESS_DEFAULTS.boards, 1),
    moves: parseCount('--moves', args.moves ?? CHESS_DEFAULTS.moves, 1),
    masterMs: parseMs('--master-ms', args.masterMs ?? CHESS_DEFAULTS.masterMs),
    opponentMs: parseMs('--opponent-ms', args.opponentMs ?? CHESS_DEFAULTS.opponentMs),
  };
}

const STRIP_WIDTH = 60;

/**
 * The master over the exhibition, one character per slice of time: █ moving the whole
 * slice, ▓ ▒ ░ for less, · standing at boards whose opponent is still thinking.
 */
export function activityStrip(ex: Exhibition, masterMs: number, width = STRIP_WIDTH): string {
  const end = (ex.moves.at(-1)?.atMs ?? 0) + masterMs;
  if (end === 0) return '';
  const slice = end / width;
  const busy = new Float64Array(width);
  for (const { atMs } of ex.moves) {
    // Spread the move [atMs, atMs + masterMs) over the slices it covers.
    let from = atMs;
    const to = atMs + masterMs;
    while (from < to) {
      const i = Math.min(width - 1, Math.floor(from / slice));
      const sliceEnd = (i + 1) * slice;
      const upto = Math.min(to, sliceEnd);
      busy[i] += upto - from;
      if (upto === from) break;
      from = upto;
    }
  }
  const shades = ['·', '░', '▒', '▓', '█'];
  return Array.from(busy, (b) => shades[Math.round((b / slice) * 4)] ?? '█').join('');
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`;
}

function describe(ex: Exhibition, options: ChessOptions, print: (line: string) => void): void {
  print(
    `  the master moved ${ex.moves.length} times: busy ${clockTime(ex.busyMs)}, ` +
      `waiting for opponents ${clockTime(ex.waitingMs)} (${percent(ex.waitingMs, ex.busyMs + ex.waitingMs)})`,
  );
  const end = (ex.moves.at(-1)?.atMs ?? 0) + options.masterMs;
  print(`  each character ${clockTime(end / STRIP_WIDTH)}: █ moving, · waiting for an opponent`);
  print(`  0:00 |${activityStrip(ex, options.masterMs)}| ${clockTime(end)}`);
}

/** The master's first moves, then the start of her second round, as a timeline. */
function firstMoves(ex: Exhibition, options: ChessOptions, print: (line: string) => void): void {
  const { boards, masterMs, opponentMs } = options;
  const shown = new Set([0, 1, 2, boards - 1, boards, boards + 1]);
  let skipped = false;
  ex.moves.slice(0, boards + 2).forEach((m, i) => {
    if (!shown.has(i)) {
      if (!skipped) print('           ...');
      skipped = true;
      return;
    }
    skipped = false;
    let note = '';
    if (m.move > 1) {
      const answered = ex.moves.find((p) => p.board === m.board && p.move === m.move - 1);
      const answeredAt = (answered?.atMs ?? 0) + masterMs + opponentMs;
      const gap = m.atMs - answeredAt;
      note =
        gap >= 1000
          ? ` — its opponent answered at ${clockTime(answeredAt)}: waited ${clockTime(gap)} for her`
          : ' — she waited for its opponent to answer';
    }
    print(`  ${clockTime(m.atMs).padStart(7)}  board ${m.board}, move ${m.move}${note}`);
  });
}

/**
 * `simul chess`: prints the exhibition played both ways, the master's first moves, her
 * activity over time, and the same exhibition with opponents slower than a round.
 *
 * @example
 * await chess({}); // one board after the other: 12:00:00 ... all boards at once: 1:00:55
 */
export async function chess(args: ChessArgs, print = console.log): Promise<void> {
  const options = parseChessArgs(args);
  const { boards, moves, masterMs, opponentMs } = options;
  print(
    `simul chess: ${boards} boards, ${moves} moves a game; a move takes the master ` +
      `${clockTime(masterMs)}, an opponent ${clockTime(opponentMs)}.`,
  );
  print(
    'Every board is a simul task, the master a Lock they queue for; the virtual clock plays ' +
      'hours in milliseconds.',
  );
  const seq = await sequential(options);
  const sim = await simultaneous(options);
  print('');
  print(
    `one board after the other: ${clockTime(seq.totalMs).padStart(8)}  ` +
      `(a game is ${moves} × (${clockTime(masterMs)} + ${clockTime(opponentMs)}) = ` +
      `${clockTime(moves * (masterMs + opponentMs))}, ${boards} games in a row)`,
  );
  const faster = sim.totalMs > 0 ? (seq.totalMs / sim.totalMs).toFixed(1) : '∞';
  print(
    `all boards at once:        ${clockTime(sim.totalMs).padStart(8)}  ` +
      `(${faster}× sooner${sim.waitingMs === 0 ? ': she is no faster, she never waits' : ''})`,
  );
  print('');
  print("The master's first moves (all boards at once):");
  firstMoves(sim, options, print);
  print('');
  print('The master over the whole exhibition:');
  describe(sim, options, print);

  const round = boards * masterMs;
  const slow = { ...options, opponentMs: Math.max(2 * round, opponentMs * 2) };
  if (opponentMs + masterMs < round) {
    const slowSim = await simultaneous(slow);
    print('');
    print(
      `When opponents think longer than a round of the master's (${boards} × ` +
        `${clockTime(masterMs)} = ${clockTime(round)}), say ${clockTime(slow.opponentMs)} ` +
        `(--opponent-ms ${slow.opponentMs}):`,
    );
    print(
      `  all boards at once: ${clockTime(slowSim.totalMs)}; now she reaches boards whose ` +
        'opponent is still thinking, and waits there.',
    );
    describe(slowSim, slow, print);
  } else {
    print('');
    print(
      `Here the opponents think longer than a round of the master's (${boards} × ` +
        `${clockTime(masterMs)} = ${clockTime(round)}): she reaches boards whose opponent is ` +
        'still thinking, and waits there.',
    );
  }
}

/**
 * simul: one loop, three coroutine styles, structured concurrency, level-triggered
 * cancellation and deterministic testing. Re-exports only, grouped by SPEC section.
 */

// §2 The loop
export { run, type RunOptions } from './core/run.js';
export { callSoon, callLater, now, type CallbackHandle } from './core/callbacks.js';
export type { ScheduleOptions, PolicyName } from './core/schedule.js';
export type { Instrument } from './core/instrument.js';
export type { DebugOptions, Warning, TaskRef } from './core/debug-options.js';

// §3 Tasks and operations
export { Operation } from './core/operation.js';
export { Task, type TaskState } from './core/task.js';
export { spawn, current } from './core/spawn.js';
export { sleep, yieldNow } from './core/sleep.js';
export { all, race, type Awaitable, type AwaitedValue } from './core/combinators.js';
export { until, fromCallback, type Register } from './core/foreign.js';
export { abortSignal } from './core/abort-signal.js';
export { taskGroup, TaskGroup, type SpawnOptions } from './core/task-group.js';
export type { BodyValue } from './core/task.js';
export { main, type MainOptions } from './core/main.js';

// §4 Cancellation and timeouts
export { withTimeout, moveOnAfter, shield } from './core/scoped.js';
export {
  CancelledError,
  TimeoutError,
  TaskGroupError,
  DeadlockError,
  InvalidStateError,
  cancellationOf,
} from './core/errors.js';

// §5 Synchronisation
export { Lock, type LockOptions, type LockStatistics } from './sync/lock.js';
export { Semaphore, type SemaphoreOptions, type SemaphoreStatistics } from './sync/semaphore.js';
export { Event, type EventOptions, type EventStatistics } from './sync/event.js';
export { Condition, type ConditionOptions, type ConditionStatistics } from './sync/condition.js';
export { Barrier, type BarrierOptions, type BarrierStatistics } from './sync/barrier.js';
export { Queue, type QueueOptions, type QueueStatistics } from './sync/queue.js';
export { Channel, type ChannelOptions, type ChannelStatistics } from './sync/channel.js';
export {
  QueueClosedError,
  ChannelClosedError,
  QueueEmptyError,
  QueueFullError,
} from './sync/errors.js';
export { ParkingLot, LotNode, type ParkingLotStatistics } from './core/parking-lot.js';

// §6 Non-blocking replacements
export { Stream, type ReadUntilOptions } from './io/stream.js';
export { connect, type ConnectOptions } from './io/tcp.js';
export { listen, TcpServer, type ListenOptions } from './io/tcp-server.js';
export {
  serveHttp,
  HttpServer,
  type ServeHttpOptions,
  type HttpHandler,
} from './io/http-server.js';
export { Server, type CloseOptions, type OnError, type HandlerFailure } from './io/server.js';
export {
  spawnProcess,
  exec,
  Process,
  type SpawnProcessOptions,
  type ProcessStatus,
  type ExecOptions,
  type ExecResult,
} from './io/subprocess.js';
export { fs } from './io/fs.js';
export { dns } from './io/dns.js';
export type { AsOperations, AsOperation } from './io/as-operations.js';
export {
  toThread,
  toProcess,
  shutdownExecutors,
  executorStatistics,
  EXECUTOR_SIZE,
} from './io/executors.js';
export type { Job } from './io/job.js';
export { transfer, Transfer } from './io/transfer.js';
export {
  BusyResourceError,
  ClosedResourceError,
  IncompleteReadError,
  LimitOverrunError,
  RemoteError,
  WorkerExitedError,
} from './io/errors.js';

// §7 Guarding the pitfalls
export { dumpTasks } from './core/dump-tasks.js';
export {
  BlockingCallError,
  Timeline,
  type TimelineStep,
  type TimelineTask,
} from './debug/index.js';

// §8 Deterministic testing (exploreTest, the node:test helper, is in 'simul/testing')
export {
  explore,
  type ExploreOptions,
  type ExploreReport,
  type ExploreFailure,
} from './testing/explore.js';
export { ExploreError } from './testing/explore-error.js';
export {
  replay,
  type ReplaySource,
  type ReplayOptions,
  type SeededSchedule,
} from './testing/replay.js';
export { shrink, type ShrinkOptions, type ShrinkResult } from './testing/shrink.js';
export { describeTrace, type DescribeTraceOptions } from './testing/describe-trace.js';
export { ReplayError, StepLimitError } from './core/errors.js';

// §9 Scale-out
export { cluster } from './cluster/cluster.js';
export type { ClusterOptions, RestartOptions, CrashLoopOptions } from './cluster/options.js';

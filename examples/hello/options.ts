/** The options of the concurrent hello worlds (callback, generator and async). */
export interface HelloOptions {
  /** How many hello worlds, all at once (default 10). */
  n?: number;
  /** How long each one sleeps between "Hello" and "World!", in ms (default 3000). */
  delayMs?: number;
  /** 'real' (default) or 'virtual': time jumps to the next deadline, so 3 s take no time. */
  clock?: 'real' | 'virtual';
  /** Where the lines go (default: console.log). */
  print?: (line: string) => void;
}

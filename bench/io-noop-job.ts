/** A no-op job for the executor benchmark: piscina and tinypool call the default export. */
export default function noop(x: unknown): unknown {
  return x;
}

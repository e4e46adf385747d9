/** The HTTP load generator, a process of its own: autocannon against the given port. */
import autocannon from 'autocannon';

const [port, connections, seconds] = process.argv.slice(2).map(Number);
const result = await autocannon({
  url: `http://127.0.0.1:${port}/`,
  connections,
  duration: seconds,
  pipelining: 1,
});
process.send?.({
  rate: result.requests.average,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts + result.non2xx,
});

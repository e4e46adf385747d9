/** The entry point of a compare host (host.ts): one measurement, one line of JSON. */
import { measure, type HostRequest } from './host.js';
import { watchParent } from './watch-parent.js';

watchParent();
const request = JSON.parse(process.argv[2] ?? '{}') as HostRequest;
const result = await measure(request);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

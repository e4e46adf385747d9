/** The entry point of the load process (load.ts): node load-main.js '<LoadRequest as JSON>'. */
import { watchParent } from './watch-parent.js';
import { load, type LoadRequest } from './load.js';

watchParent();
const result = await load(JSON.parse(process.argv[2] ?? '{}') as LoadRequest);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

/** The entry point of an echo server host (echo-server.ts): node echo-main.js <model>. */
import { watchParent } from './watch-parent.js';
import { serveEcho } from './echo-server.js';
import { MODELS, type Model } from './model.js';

const model = process.argv[2] as Model;
if (!MODELS.includes(model)) throw new Error(`unknown model ${process.argv[2]}`);
watchParent();
serveEcho(model);

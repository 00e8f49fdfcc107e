import { reporter } from './src/figures.js';
import { identityBench } from './src/suites/identity-bench.js';
await identityBench(reporter(false));

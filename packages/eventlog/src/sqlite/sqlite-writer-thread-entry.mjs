// Worker threads do not inherit the TypeScript loader the process was started with (tsx's
// hooks are per thread), so the writer thread registers it before loading its real entry.
import { register } from 'tsx/esm/api';

register();
await import('./sqlite-writer-thread-main.ts');

#!/usr/bin/env -S node --max-semi-space-size=64
// The netledger command. The sources are TypeScript, run through tsx's loader. The V8 flag is
// the one the supervisor gives every process (supervisor.ts): replays build large live states.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');

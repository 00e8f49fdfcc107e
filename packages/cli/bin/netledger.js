#!/usr/bin/env node
// The netledger command. The sources are TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');

export { runNodeAgent, type RunningAgent } from './node-agent.js';
export { EventTally } from './event-tally.js';

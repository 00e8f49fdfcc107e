export { LbDomain } from './lb-domain.js';

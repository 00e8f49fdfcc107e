export { PolicyDomain } from './policy-domain.js';

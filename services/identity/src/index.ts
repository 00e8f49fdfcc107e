export { IdentityDomain } from './identity-domain.js';
export { RESERVED_IDENTITIES, FIRST_CLUSTER_IDENTITY, LAST_CLUSTER_IDENTITY, identityStream } from './reserved-identities.js';

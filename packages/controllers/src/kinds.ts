import { resourceForKind } from '@netledger/k8s';

// The resources the controllers write, looked up once from @netledger/k8s's registry.
export const POD = resourceForKind('Pod');
export const DEPLOYMENT = resourceForKind('Deployment');
export const ENDPOINT_SLICE = resourceForKind('EndpointSlice');

import type {
  EndpointKey,
  EndpointValue,
  IpcacheKey,
  IpcacheValue,
  Lb4BackendKey,
  Lb4BackendValue,
  Lb4RevNatKey,
  Lb4RevNatValue,
  Lb4ServiceKey,
  Lb4ServiceValue,
  PolicyKey,
  PolicyValue,
} from '@netledger/datapath';
import type { DesiredMap } from '../desired/desired-map.js';
import type { EndpointIdReadBack, PolicyMapChanges } from '../desired/node-desired-state.js';

/** What the reconciler reads of the desired state (NodeDesiredState provides it). */
export interface DesiredDatapath {
  readonly ipcache: DesiredMap<IpcacheKey, IpcacheValue>;
  readonly endpoints: DesiredMap<EndpointKey, EndpointValue>;
  readonly lb4Services: DesiredMap<Lb4ServiceKey, Lb4ServiceValue>;
  readonly lb4Backends: DesiredMap<Lb4BackendKey, Lb4BackendValue>;
  readonly lb4RevNat: DesiredMap<Lb4RevNatKey, Lb4RevNatValue>;
  policyMapIds(): number[];
  policyTable(endpointId: number): DesiredMap<PolicyKey, PolicyValue> | undefined;
  takePolicyMapChanges(): PolicyMapChanges;
  /** Endpoint ids as the `endpoints` map held them, before the first full reconcile. */
  seedEndpointIds(readBack: readonly EndpointIdReadBack[]): void;
}

import { andSelector, type LabelRequirement, type Selector } from '../labels/label-selector.js';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL, RESERVED_LABEL_PREFIX } from '../labels/security-labels.js';

// Translations from what a manifest says to selectors over security labels, so that evaluating by
// label set and by pod cannot disagree. Each function states the rule it implements.

const IS_ENDPOINT: LabelRequirement = { key: POD_NAMESPACE_LABEL, operator: 'Exists', values: [] };

function inNamespace(namespace: string): LabelRequirement {
  return { key: POD_NAMESPACE_LABEL, operator: 'In', values: [namespace] };
}

function mentions(selector: Selector, test: (key: string) => boolean): boolean {
  return selector.requirements.some((r) => test(r.key));
}

/** Pins the selector to endpoints, unless it already requires a namespace to be present. */
function endpointsOnly(selector: Selector): Selector {
  const pinned = selector.requirements.some(
    (r) => r.key === POD_NAMESPACE_LABEL && (r.operator === 'In' || r.operator === 'Exists'),
  );
  return pinned ? selector : andSelector(selector, IS_ENDPOINT);
}

/** NetworkPolicy `podSelector` (subject, or a peer without namespaceSelector): those pods of the policy's namespace. */
export function kubernetesPodsInNamespace(podSelector: Selector, namespace: string): Selector {
  return andSelector(podSelector, inNamespace(namespace));
}

/** NetworkPolicy peer with a `namespaceSelector` (and maybe a `podSelector`): the AND of both, in any namespace. */
export function kubernetesPodsInNamespaces(namespaceSelector: Selector, podSelector: Selector | undefined): Selector {
  const nsRequirements = namespaceSelector.requirements.map((r) => ({ ...r, key: `${NAMESPACE_LABELS_PREFIX}${r.key}` }));
  return andSelector(podSelector ?? { requirements: [] }, ...nsRequirements, IS_ENDPOINT);
}

/**
 * Cilium `endpointSelector`: a CNP only ever selects pods of its own namespace; a CCNP selects
 * endpoints in any namespace, or reserved identities when it names `reserved:` labels.
 */
export function ciliumSubjectSelector(selector: Selector, namespace: string | null): Selector {
  if (namespace !== null) return andSelector(selector, inNamespace(namespace));
  return mentions(selector, (k) => k.startsWith(RESERVED_LABEL_PREFIX)) ? selector : endpointsOnly(selector);
}

/**
 * Cilium `fromEndpoints`/`toEndpoints`: without a namespace condition, a CNP peer is limited to the
 * policy's namespace (a condition on namespace labels counts as one); a CCNP peer to endpoints anywhere.
 */
export function ciliumPeerSelector(selector: Selector, namespace: string | null): Selector {
  if (mentions(selector, (k) => k.startsWith(RESERVED_LABEL_PREFIX))) return selector;
  const namespaceAware = mentions(selector, (k) => k === POD_NAMESPACE_LABEL || k.startsWith(NAMESPACE_LABELS_PREFIX));
  if (namespace !== null && !namespaceAware) return andSelector(selector, inNamespace(namespace));
  return endpointsOnly(selector);
}

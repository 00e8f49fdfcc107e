import { type StatusCause, fieldCause } from './errors.js';
import { type JsonObject, type KubeObject, isRecord } from './kube-object.js';
import type { NameRule, ResourceDefinition } from './resource-definition.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `name` breaks `rule`, or undefined when it is fine. */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'dns1123-label':
      return name.length <= 63 && DNS1123_LABEL.test(name)
        ? undefined
        : `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (at most 63 characters)`;
    case 'dns1035-label':
      return name.length <= 63 && DNS1035_LABEL.test(name)
        ? undefined
        : `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (at most 63 characters)`;
    case 'dns1123-subdomain':
      return name.length <= 253 && DNS1123_SUBDOMAIN.test(name)
        ? undefined
        : `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (at most 253 characters)`;
  }
}

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && nameProblem(prefix, 'dns1123-subdomain') !== undefined) return 'prefix part must be a DNS-1123 subdomain';
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)`;
  }
  return undefined;
}

/** Metadata rules shared by every kind: name, labels, annotations. */
export function validateMetadata(def: ResourceDefinition, obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = obj.metadata.name;
  if (name === undefined || name === '') {
    causes.push(fieldCause('metadata.name', 'name or generateName is required', 'FieldValueRequired'));
  } else {
    const problem = nameProblem(name, def.nameRule);
    if (problem) causes.push(fieldCause('metadata.name', `Invalid value: "${name}": ${problem}`));
  }
  const labels: unknown = obj.metadata.labels;
  if (labels !== undefined) {
    if (!isRecord(labels)) causes.push(fieldCause('metadata.labels', 'must be a map of strings'));
    else {
      for (const [key, value] of Object.entries(labels)) {
        const keyProblem = labelKeyProblem(key);
        if (keyProblem) causes.push(fieldCause('metadata.labels', `Invalid value: "${key}": ${keyProblem}`));
        if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
          causes.push(fieldCause(`metadata.labels.${key}`, `Invalid value: ${JSON.stringify(value)}: a valid label value must be 63 characters or less, and consist of alphanumeric characters, '-', '_' or '.'`));
        }
      }
    }
  }
  const annotations: unknown = obj.metadata.annotations;
  if (annotations !== undefined && (!isRecord(annotations) || Object.values(annotations).some((v) => typeof v !== 'string'))) {
    causes.push(fieldCause('metadata.annotations', 'must be a map of strings'));
  }
  return causes;
}

/** The few required fields per kind; deeper schema checks (e.g. of policies) are the services' job. */
export function validateSpec(def: ResourceDefinition, obj: KubeObject): StatusCause[] {
  const spec = obj['spec'];
  switch (def.kind) {
    case 'Pod':
      return validatePodSpec(spec);
    case 'Service':
      return validateServiceSpec(spec);
    default:
      return [];
  }
}

function validatePodSpec(spec: unknown): StatusCause[] {
  if (!isRecord(spec)) return [fieldCause('spec', 'Required value', 'FieldValueRequired')];
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) {
    return [fieldCause('spec.containers', 'Required value', 'FieldValueRequired')];
  }
  const causes: StatusCause[] = [];
  containers.forEach((c: unknown, i) => {
    const container: JsonObject = isRecord(c) ? c : {};
    const name = container['name'];
    if (typeof name !== 'string' || name === '') causes.push(fieldCause(`spec.containers[${i}].name`, 'Required value', 'FieldValueRequired'));
    else if (nameProblem(name, 'dns1123-label')) causes.push(fieldCause(`spec.containers[${i}].name`, `Invalid value: "${name}": ${nameProblem(name, 'dns1123-label') ?? ''}`));
    if (typeof container['image'] !== 'string' || container['image'] === '') {
      causes.push(fieldCause(`spec.containers[${i}].image`, 'Required value', 'FieldValueRequired'));
    }
  });
  return causes;
}

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

function validateServiceSpec(spec: unknown): StatusCause[] {
  if (!isRecord(spec)) return [fieldCause('spec', 'Required value', 'FieldValueRequired')];
  const causes: StatusCause[] = [];
  const type = spec['type'] ?? 'ClusterIP';
  if (typeof type !== 'string' || !SERVICE_TYPES.includes(type)) {
    causes.push(fieldCause('spec.type', `Unsupported value: ${JSON.stringify(type)}: supported values: ${SERVICE_TYPES.join(', ')}`, 'FieldValueNotSupported'));
  }
  if (type === 'ExternalName' && (typeof spec['externalName'] !== 'string' || spec['externalName'] === '')) {
    causes.push(fieldCause('spec.externalName', 'Required value', 'FieldValueRequired'));
  }
  const ports = spec['ports'];
  const headless = spec['clusterIP'] === 'None' || type === 'ExternalName';
  if (ports === undefined || (Array.isArray(ports) && ports.length === 0)) {
    if (!headless) causes.push(fieldCause('spec.ports', 'Required value', 'FieldValueRequired'));
    return causes;
  }
  if (!Array.isArray(ports)) return [...causes, fieldCause('spec.ports', 'must be a list')];
  const names = new Set<string>();
  ports.forEach((p: unknown, i) => {
    const port: JsonObject = isRecord(p) ? p : {};
    const n = port['port'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
      causes.push(fieldCause(`spec.ports[${i}].port`, `Invalid value: ${JSON.stringify(n)}: must be between 1 and 65535, inclusive`));
    }
    const protocol = port['protocol'] ?? 'TCP';
    if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol)) {
      causes.push(fieldCause(`spec.ports[${i}].protocol`, `Unsupported value: ${JSON.stringify(protocol)}: supported values: ${PROTOCOLS.join(', ')}`, 'FieldValueNotSupported'));
    }
    const name = port['name'];
    if (ports.length > 1 && (typeof name !== 'string' || name === '')) {
      causes.push(fieldCause(`spec.ports[${i}].name`, 'Required value', 'FieldValueRequired'));
    } else if (typeof name === 'string' && name !== '') {
      if (names.has(name)) causes.push(fieldCause(`spec.ports[${i}].name`, `Duplicate value: "${name}"`, 'FieldValueDuplicate'));
      names.add(name);
    }
    const nodePort = port['nodePort'];
    if (nodePort !== undefined && (typeof nodePort !== 'number' || !Number.isInteger(nodePort))) {
      causes.push(fieldCause(`spec.ports[${i}].nodePort`, 'must be an integer'));
    }
  });
  return causes;
}

/** Defaults the API server fills in on services, so clients see the shape a real cluster returns. */
export function defaultService(spec: JsonObject): void {
  spec['type'] ??= 'ClusterIP';
  spec['sessionAffinity'] ??= 'None';
  if (spec['type'] !== 'ExternalName') spec['internalTrafficPolicy'] ??= 'Cluster';
  if (spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer') spec['externalTrafficPolicy'] ??= 'Cluster';
  const ports = spec['ports'];
  if (Array.isArray(ports)) {
    for (const p of ports) {
      if (!isRecord(p)) continue;
      p['protocol'] ??= 'TCP';
      p['targetPort'] ??= p['port'];
    }
  }
}

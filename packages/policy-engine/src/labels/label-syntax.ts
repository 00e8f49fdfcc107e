// Kubernetes object-name and label syntax (apimachinery validation), reduced to what policies use.

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SERVICE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Why `key` is not a valid label key (`[prefix/]name`), or `null` when it is. */
export function labelKeyProblem(key: string): string | null {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? null : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== null && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key ${JSON.stringify(key)} has an invalid prefix (must be a lowercase DNS subdomain of at most 253 characters)`;
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return `label key ${JSON.stringify(key)} is invalid (name part: at most 63 characters, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)`;
  }
  return null;
}

/** Why `value` is not a valid label value, or `null` when it is (the empty string is valid). */
export function labelValueProblem(value: string): string | null {
  if (value === '') return null;
  if (value.length > 63 || !LABEL_NAME.test(value)) {
    return `label value ${JSON.stringify(value)} is invalid (at most 63 characters, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric)`;
  }
  return null;
}

/** Namespaces are DNS labels. */
export function namespaceNameProblem(name: string): string | null {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    return `${JSON.stringify(name)} is not a valid namespace name (lowercase DNS label, at most 63 characters)`;
  }
  return null;
}

/** Policy names are DNS subdomains. */
export function objectNameProblem(name: string): string | null {
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return `${JSON.stringify(name)} is not a valid object name (lowercase DNS subdomain, at most 253 characters)`;
  }
  return null;
}

/** Named ports are IANA service names: at most 15 characters, at least one letter, no `--`. */
export function portNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > 15 || !SERVICE_NAME.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
    return `${JSON.stringify(name)} is not a valid port name (IANA service name: at most 15 lowercase alphanumerics or '-', with at least one letter)`;
  }
  return null;
}

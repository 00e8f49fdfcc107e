import { BadRequestError } from './errors.js';
import { type FieldSelector, FieldSelectorError, checkFieldsSupported, matchesFields, parseFieldSelector } from './field-selector.js';
import type { KubeObject } from './kube-object.js';
import { type LabelSelector, LabelSelectorSyntaxError, matchesLabels, parseLabelSelector } from './label-selector.js';
import type { ResourceDefinition } from './resource-definition.js';

/** The `labelSelector` + `fieldSelector` of a list, watch or deleteCollection, parsed once. */
export interface ObjectFilter {
  matches(obj: KubeObject): boolean;
}

/** Field selector labels a resource supports: the two metadata ones plus its own. */
export function supportedFields(def: ResourceDefinition): string[] {
  return ['metadata.name', 'metadata.namespace', ...Object.keys(def.fieldLabels)];
}

/** Field values of one object keyed by field selector label. */
export function fieldsOf(def: ResourceDefinition, obj: KubeObject): Map<string, string> {
  const fields = new Map<string, string>([
    ['metadata.name', obj.metadata.name ?? ''],
    ['metadata.namespace', obj.metadata.namespace ?? ''],
  ]);
  for (const [label, read] of Object.entries(def.fieldLabels)) fields.set(label, read(obj));
  return fields;
}

/** Parses the selectors of a request; bad syntax or an unsupported field is a 400. */
export function buildObjectFilter(def: ResourceDefinition, labelText: string | null, fieldText: string | null): ObjectFilter {
  let labels: LabelSelector | undefined;
  let fields: FieldSelector | undefined;
  try {
    if (labelText) labels = parseLabelSelector(labelText);
    if (fieldText) {
      fields = parseFieldSelector(fieldText);
      checkFieldsSupported(fields, supportedFields(def), fieldText);
    }
  } catch (cause) {
    if (cause instanceof LabelSelectorSyntaxError || cause instanceof FieldSelectorError) {
      throw new BadRequestError(cause.message, {}, { cause });
    }
    throw cause;
  }
  return {
    matches: (obj) =>
      (labels === undefined || matchesLabels(labels, obj.metadata.labels)) &&
      (fields === undefined || matchesFields(fields, fieldsOf(def, obj))),
  };
}

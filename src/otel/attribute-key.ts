/**
 * A series' labels as text, to find it again across collections. Attribute objects are mostly
 * shared (a device's labels, a series' own set made once), so the text is made once per object;
 * the WeakMap lets it go with the object.
 */
import type { Attributes } from '@opentelemetry/api';

const keys = new WeakMap<Attributes, string>();

export function attributesKey(attributes: Attributes): string {
  let key = keys.get(attributes);
  if (key === undefined) keys.set(attributes, (key = JSON.stringify(attributes)));
  return key;
}

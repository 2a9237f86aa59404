/**
 * Owns turning an attribute named in settings (a Personio key such as `dynamic_123456`, or the
 * label an admin sees, such as "Alleo") into the key under which a unified employee carries its
 * value in `custom_fields`. Scope rules and field mappings both name attributes this way.
 */
import { resolveCustomAttribute, type CustomAttributeDefinition } from '../../connectors/unified';

const PERSONIO_CUSTOM_KEY = /^dynamic_\d+$/;

export interface ResolvedAttribute {
  key: string;
  /** Whether the credentials' attribute catalog lists it (false: a key used as written). */
  listed: boolean;
}

/**
 * The key for a key or label, or undefined when nothing matches. A `dynamic_<N>` key the catalog
 * does not list is still used as written: the catalog may be unavailable or partial, and a key
 * cannot be misread the way a label can; the employee then simply has no value for it.
 */
export function resolveAttributeKey(
  catalog: readonly CustomAttributeDefinition[],
  keyOrLabel: string,
): ResolvedAttribute | undefined {
  const found = resolveCustomAttribute(catalog, keyOrLabel);
  if (found) return { key: found.key, listed: true };
  const trimmed = keyOrLabel.trim();
  return PERSONIO_CUSTOM_KEY.test(trimmed) ? { key: trimmed, listed: false } : undefined;
}

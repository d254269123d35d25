/**
 * Read-write or read-only, from the Access-Accept, the way switch operating systems decide:
 * by default Service-Type Administrative-User (6) is read-write and anything else (Login-User,
 * NAS-Prompt-User, no Service-Type at all) is read-only. The rule may name any attribute the
 * dictionaries know, including a vendor-specific one.
 */
import { existsSync } from 'node:fs';
import radius from 'radius';
import type { DecodedPacket } from 'radius';
import type { RadiusReadWriteRule } from '../../config/config-types.ts';
import { RadiusConfigError } from './radius-errors.ts';

/** Where Debian's FreeRADIUS keeps its vendor dictionaries (`dictionary.<vendor>`). */
const SYSTEM_DICTIONARY_DIR = '/usr/share/freeradius';

export interface ReadWriteMatcher {
  readonly attribute: string;
  readonly vendor: string | undefined;
  readonly values: ReadonlySet<string>;
}

/**
 * Checks the rule against the dictionaries, loading `dictionaries` first and, for a vendor the
 * loaded ones do not know, FreeRADIUS's `dictionary.<vendor>` when it is installed.
 */
export function prepareReadWriteRule(
  rule: RadiusReadWriteRule,
  dictionaries: readonly string[],
): ReadWriteMatcher {
  radius.load_dictionaries();
  for (const file of dictionaries) loadDictionary(file);
  let vendorId: string | undefined;
  if (rule.vendor !== undefined) {
    vendorId = resolveVendor(rule.vendor);
    if (vendorId === undefined) {
      throw new RadiusConfigError('radius.readWrite.vendor', 'a vendor the dictionaries define');
    }
  }
  if (radius.attr_name_to_id(rule.attribute, vendorId) === undefined) {
    throw new RadiusConfigError(
      'radius.readWrite.attribute',
      'an attribute the dictionaries define',
    );
  }
  return { attribute: rule.attribute, vendor: rule.vendor, values: new Set(rule.values) };
}

/** True when the reply carries the rule's attribute with one of its values. */
export function isReadWrite(reply: DecodedPacket, matcher: ReadWriteMatcher): boolean {
  const scope =
    matcher.vendor === undefined ? reply.attributes : reply.attributes['Vendor-Specific'];
  if (scope === null || typeof scope !== 'object') return false;
  const found: unknown = (scope as Record<string, unknown>)[matcher.attribute];
  const values = Array.isArray(found) ? found : [found];
  return values.some((v) => v !== undefined && matcher.values.has(String(v)));
}

function resolveVendor(vendor: string): string | undefined {
  if (/^\d+$/.test(vendor)) return vendor;
  const known = radius.vendor_name_to_id(vendor);
  if (known !== undefined) return known;
  const system = `${SYSTEM_DICTIONARY_DIR}/dictionary.${vendor.toLowerCase()}`;
  if (existsSync(system)) loadDictionary(system);
  return radius.vendor_name_to_id(vendor);
}

function loadDictionary(file: string): void {
  try {
    radius.load_dictionary(file);
  } catch {
    throw new RadiusConfigError('radius dictionaries', `a readable dictionary file (${file})`);
  }
}

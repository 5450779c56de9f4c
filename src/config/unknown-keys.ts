import { closestName } from '../suggest';

/**
 * First words that several of our keys share (`RATE_LIMIT_…`, `JWT_…`): a key that starts with one
 * is meant for us even when it is too far from every key to be a typo. Words only one key has
 * (`NODE_`, `LOG_`, `TEST_`) would catch other programs' settings.
 */
function sharedPrefixes(keys: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of keys) {
    const [first] = key.split('_');
    if (first !== undefined && first !== key) counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1).map(([prefix]) => `${prefix}_`);
}

/**
 * One warning per key of `environment` that is not a key of ours but looks meant as one: a few
 * edits from one of `knownKeys` (`JWT_SECERT`, `jwt_secret`), or starting like several of them
 * (`RATE_LIMIT_…`). Names keys only, never their values, which may be secrets.
 */
export function unknownKeyWarnings(
  environment: Readonly<Record<string, unknown>>,
  knownKeys: readonly string[],
): string[] {
  const known = new Set(knownKeys);
  const prefixes = sharedPrefixes(knownKeys);
  const warnings: string[] = [];
  for (const key of Object.keys(environment).sort()) {
    if (known.has(key)) continue;
    const base = key.endsWith('_FILE') ? key.slice(0, -'_FILE'.length) : null;
    if (base !== null && known.has(base)) {
      warnings.push(`${key} is not a setting of this server and is ignored; ${base} is not read from a file, set it`);
      continue;
    }
    const prefix = prefixes.find((candidate) => key.toUpperCase().startsWith(candidate));
    const suggestion = closestName(key, knownKeys);
    if (suggestion !== null) {
      warnings.push(`${key} is not a setting of this server and is ignored; did you mean ${suggestion}?`);
    } else if (prefix !== undefined) {
      const family = knownKeys.filter((name) => name.startsWith(prefix)).join(', ');
      warnings.push(`${key} is not a setting of this server and is ignored; the ${prefix}… settings are ${family}`);
    }
  }
  return warnings;
}

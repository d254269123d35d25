/**
 * The error codes are one list: the code, the protocol page, the hub's error classes and the
 * client's must agree, so that none of them can drift.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../protocol/index.ts';
import * as serverErrors from '../../server/errors.ts';

const page = readFileSync(new URL('../../protocol/README.md', import.meta.url), 'utf8');

function documentedCodes(): string[] {
  const section = page.split('## Error codes')[1] ?? '';
  return [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
}

describe('the error code list', () => {
  it('is documented in protocol/README.md, in the same order', () => {
    expect(documentedCodes()).toEqual([...ERROR_CODES]);
  });

  it('covers every code a hub error class can carry', () => {
    const codes = new Set<string>();
    for (const value of Object.values(serverErrors)) {
      if (typeof value !== 'function' || !(value.prototype instanceof serverErrors.HubError))
        continue;
      const ErrorClass = value as unknown as new () => serverErrors.HubError;
      codes.add(new ErrorClass().code);
    }
    for (const code of codes) expect(ERROR_CODES).toContain(code);
  });

  it('lists in the operations table only codes that exist', () => {
    const table = page.split('## Operations')[1]!.split('## Objects')[0]!;
    const mentioned = new Set([...table.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]!));
    for (const code of mentioned) expect(ERROR_CODES).toContain(code);
  });
});

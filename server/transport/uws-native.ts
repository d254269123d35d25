/**
 * The uWebSockets.js package's loader falls back, with only a console warning, to a slow
 * pure-JS imitation when its native binary cannot load (another Node ABI, musl, an unknown
 * platform). The hub refuses to start on the imitation rather than run slowly unnoticed.
 */
export class UwsNotNativeError extends Error {
  readonly code = 'UWS_NOT_NATIVE';
  constructor() {
    super(
      `uWebSockets.js loaded its JavaScript fallback, not its native binary (Node ` +
        `${process.version}, ABI ${process.versions.modules}, ` +
        `${process.platform}-${process.arch}). ` +
        `Use Node 18 or 20 on glibc Linux, or start with "transport": "ws".`,
    );
    this.name = 'UwsNotNativeError';
  }
}

/** Native bindings are functions implemented in C++; the fallback's are plain JavaScript. */
export function isNativeUws(uws: { App: unknown }): boolean {
  return (
    typeof uws.App === 'function' &&
    /\[native code\]/.test(Function.prototype.toString.call(uws.App))
  );
}

export function assertNativeUws(uws: { App: unknown }): void {
  if (!isNativeUws(uws)) throw new UwsNotNativeError();
}

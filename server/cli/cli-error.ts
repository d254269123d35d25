/** A failure the CLI reports as one line and a non-zero exit status, without a stack. */
export class CliError extends Error {
  readonly code = 'CLI_ERROR';
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

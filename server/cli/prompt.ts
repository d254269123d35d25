/** Reading passwords: from standard input for scripts, or from the terminal without echo. */
import { stdin, stderr } from 'node:process';
import { CliError } from './cli-error.ts';

/** Reads all of standard input; the password is its first line. */
export async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/**
 * Asks on the terminal with echo off. Rejects with `noTerminal` as a CliError when there is no
 * terminal to ask on.
 */
export function promptHidden(question: string, noTerminal: string): Promise<string> {
  if (!stdin.isTTY) return Promise.reject(new CliError(noTerminal));
  return new Promise((resolve, reject) => {
    let answer = '';
    stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (text: string) => {
      for (const char of text) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.on('data', onData);
  });
}

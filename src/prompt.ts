import { stdin, stdout } from 'node:process';

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

/**
 * Asks `question` on the terminal and reads one line without echoing it (a password). Null when
 * stdin is no terminal: a piped password would end up in shell history or process listings.
 */
export function readHiddenLine(question: string): Promise<string | null> {
  if (!stdin.isTTY) return Promise.resolve(null);
  stdout.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve) => {
    let line = '';
    const finish = (value: string | null): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stdout.write('\n');
      resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const character of chunk) {
        if (ENTER.has(character)) {
          finish(line);
          return;
        }
        if (character === CTRL_C || character === CTRL_D) {
          finish(null);
          return;
        }
        line = BACKSPACE.has(character) ? line.slice(0, -1) : line + character;
      }
    };
    stdin.on('data', onData);
  });
}

import { expect } from 'chai';
import { KNOWN_FLAGS, parseInvocation, USAGE, UsageError } from '../../src/cli';

const LONG_FLAGS = KNOWN_FLAGS.filter((flag) => flag.startsWith('--'));

/** Typos of a flag's name: a letter dropped, two neighbours swapped, one changed, the wrong case. */
function typosOf(flag: string): string[] {
  const name = flag.slice(2);
  const middle = Math.floor(name.length / 2);
  return [
    `--${name.slice(0, middle)}${name.slice(middle + 1)}`,
    `--${name.slice(0, middle - 1)}${name[middle] ?? ''}${name[middle - 1] ?? ''}${name.slice(middle + 1)}`,
    `--${name.slice(0, -1)}q`,
    `--${name.toUpperCase()}`,
  ].filter((typo) => typo !== flag);
}

function usageErrorOf(argv: string[]): string {
  try {
    parseInvocation(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('the driver command line', () => {
  it('suggests --server for --sever', () => {
    expect(usageErrorOf(['--sever'])).to.equal('unknown option --sever; did you mean --server?');
  });

  for (const flag of LONG_FLAGS) {
    it(`suggests ${flag} for each typo of it`, () => {
      for (const typo of typosOf(flag)) {
        expect(usageErrorOf([typo]), typo).to.equal(`unknown option ${typo}; did you mean ${flag}?`);
      }
    });
  }

  it('suggests nothing for an option close to no flag', () => {
    expect(usageErrorOf(['--verbose'])).to.equal('unknown option --verbose');
    expect(usageErrorOf(['--server', '-x'])).to.equal('unknown option -x');
  });

  it('lists in --help exactly the flags it accepts', () => {
    const listed = [...new Set(USAGE.match(/--[a-z][a-z-]*/g))].sort();
    expect(listed).to.deep.equal([...LONG_FLAGS].sort());
    for (const flag of LONG_FLAGS) expect(USAGE).to.match(new RegExp(`^ +${flag}\\b`, 'm'));
  });

  it('prints --help in lines a terminal of 100 columns shows whole', () => {
    const wide = USAGE.split('\n').filter((line) => line.length > 100);
    expect(wide).to.deep.equal([]);
  });
});

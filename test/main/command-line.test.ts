import { describe, expect, it } from 'vitest';
import { defineCommand, JSON_OPTION } from '../../src-main/cli/command-line';

/** A command that hands back what it was given, declared like the real ones. */
function probe() {
  const seen: { positionals: string[]; values: Record<string, unknown> }[] = [];
  const command = defineCommand(
    {
      name: 'probe',
      positionals: ['<file>', '[extra]'],
      summary: 'a test command',
      options: { json: JSON_OPTION, port: { type: 'string', placeholder: 'N', help: 'a port' }, seeds: { type: 'string', placeholder: 'K', help: 'seeds' } },
    },
    (parsed) => {
      seen.push(parsed);
      return 0;
    },
  );
  return { command, seen };
}

describe('declared subcommand options', () => {
  it('passes typed values and positionals, with --key=value and the common --data-dir', async () => {
    const { command, seen } = probe();
    expect(await command.run(['a.json', '--json', '--port=8080', '--data-dir', '/tmp/x'])).toBe(0);
    expect(seen[0]).toEqual({ positionals: ['a.json'], values: { json: true, port: '8080', 'data-dir': '/tmp/x' } });
  });

  it('refuses a misspelt option, naming it, suggesting the close one and listing the valid ones', async () => {
    const { command, seen } = probe();
    await expect(command.run(['a.json', '--jsn'])).rejects.toThrow(
      /^probe: unknown option --jsn \(did you mean --json\?\); probe takes --json, --port, --seeds, --data-dir, --help/,
    );
    await expect(command.run(['a.json', '--seed', '3'])).rejects.toThrow(/unknown option --seed \(did you mean --seeds\?\)/);
    await expect(command.run(['a.json', '--colour', 'grey'])).rejects.toThrow(/unknown option --colour; probe takes/);
    expect(seen).toEqual([]);
  });

  it('refuses a missing value, a value on a switch and a surplus or missing positional', async () => {
    const { command, seen } = probe();
    await expect(command.run(['a.json', '--port'])).rejects.toThrow(/^probe: --port needs a value \(N\)/);
    await expect(command.run(['a.json', '--port', '--json'])).rejects.toThrow(/--port needs a value \(N\), but --json follows it/);
    await expect(command.run(['a.json', '--json=yes'])).rejects.toThrow(/--json takes no value, got --json=yes/);
    await expect(command.run(['a.json', 'b', 'c'])).rejects.toThrow(/^probe takes only <file> \[extra\], got also 'c'/);
    await expect(command.run(['--json'])).rejects.toThrow(/^probe needs <file>/);
    expect(seen).toEqual([]);
  });

  it('makes its help from the declarations, every option with its value and help line', () => {
    const { command } = probe();
    expect(command.synopsis).toBe('probe <file> [extra]');
    expect(command.help.split('\n')).toEqual([
      'usage: retainlab probe <file> [extra] [options]',
      '  a test command',
      'options:',
      expect.stringMatching(/^ {2}--json +print the result as JSON on stdout$/),
      expect.stringMatching(/^ {2}--port N +a port$/),
      expect.stringMatching(/^ {2}--seeds K +seeds$/),
      expect.stringMatching(/^ {2}--data-dir DIR +the store's folder/),
      expect.stringMatching(/^ {2}-h, --help +show this help$/),
    ]);
  });
});

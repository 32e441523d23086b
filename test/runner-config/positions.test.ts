// The scanner that finds where keys are written (for FILE:LINE of wrong values).
import { describe, expect, it } from 'vitest';
import { TomlPositions, joinKey } from '../../src/runner-config/toml-positions.js';
import { toml } from './support.js';

describe('TomlPositions', () => {
  const positions = TomlPositions.scan(toml(
    'concurrent = 1 # [[runners]] in a comment is not a header',
    'note = """',
    'name = "inside a multi-line string"',
    '[[runners]]',
    '"""',
    '[[runners]]',
    '  name = "a"',
    '  [runners.docker]',
    '    volumes = [',
    '      "/cache", # comment',
    '      "/certs",',
    '    ]',
    '    [[runners.docker.services]]',
    '      name = "s0"',
    '    [[runners.docker.services]]',
    '      name = "s1"',
    '[[runners]]',
    "  'literal key' = 'x'",
    '  docker = { image = "b", tmpfs = { "/t" = "rw" } }',
  ));

  it('finds keys, headers and array elements; strings and comments are not keys', () => {
    expect(positions.find('concurrent')).toEqual({ line: 1, column: 1 });
    expect(positions.find('runners[0]')).toEqual({ line: 6, column: 1 });
    expect(positions.find('runners[0].name')).toEqual({ line: 7, column: 3 });
    expect(positions.find('runners[0].docker')).toEqual({ line: 8, column: 3 });
    expect(positions.find('runners[0].docker.volumes[1]')).toEqual({ line: 11, column: 7 });
    expect(positions.find('runners[0].docker.services[1].name')).toEqual({ line: 16, column: 7 });
    expect(positions.find('runners[1]')).toEqual({ line: 17, column: 1 });
    expect(positions.find(joinKey('runners[1]', 'literal key'))).toEqual({ line: 18, column: 3 });
    expect(positions.find('runners[1].docker.tmpfs."/t"')).toEqual({ line: 19, column: 37 });
  });

  it('falls back to the nearest written ancestor for a key that is not written', () => {
    expect(positions.find('runners[0].docker.privileged')).toEqual({ line: 8, column: 3 });
    expect(positions.find('runners[5].x')).toEqual({ line: 6, column: 1 }); // `runners` itself
    expect(positions.find('nothing[0].x')).toBeNull();
  });
});

import {
  parseParametersSource,
  parsePythonLiteral,
  readParametersCell,
  stripComment
} from '../model/paramsCell';

describe('parameters cell parser', () => {
  it('reads the sample notebook cell with comments', () => {
    const source = [
      '# Parameters: the run form reads these names and defaults.\n',
      'alpha = 1\n',
      'name = "world"\n',
      'repeat = 2'
    ].join('');
    expect(parseParametersSource(source)).toEqual([
      { name: 'alpha', value: '1', parsed: true },
      { name: 'name', value: 'world', parsed: true },
      { name: 'repeat', value: '2', parsed: true }
    ]);
  });

  it('turns non-string literals into JSON text and keeps strings as text', () => {
    const out = parseParametersSource(
      [
        'ratio = 0.5  # a float',
        'flag = True',
        'nothing = None',
        "items = [1, 'two', (3, 4)]",
        'conf = {\'a\': 1, "b": [True]}',
        'neg = -3e2',
        'big = 1_000',
        "s = 'it''s'",
        "hashy = 'a # not a comment'",
        'typed: int = 7'
      ].join('\n')
    );
    const byName = Object.fromEntries(out.map(p => [p.name, p.value]));
    expect(byName).toEqual({
      ratio: '0.5',
      flag: 'true',
      nothing: 'null',
      items: '[1,"two",[3,4]]',
      conf: '{"a":1,"b":[true]}',
      neg: '-300',
      big: '1000',
      s: 'its',
      hashy: 'a # not a comment',
      typed: '7'
    });
  });

  it('joins a literal spread over several lines', () => {
    const out = parseParametersSource(
      'values = [\n  1,  # one\n  2,\n]\nafter = "x"'
    );
    expect(out).toEqual([
      { name: 'values', value: '[1,2]', parsed: true },
      { name: 'after', value: 'x', parsed: true }
    ]);
  });

  it('keeps a name whose value is not a literal, marked unparsed', () => {
    const out = parseParametersSource('today = date.today()\nn = 3');
    expect(out[0]).toEqual({
      name: 'today',
      value: 'date.today()',
      parsed: false
    });
    expect(out[1]).toEqual({ name: 'n', value: '3', parsed: true });
  });

  it('ignores comparisons, augmented assignments, imports and indented code', () => {
    const out = parseParametersSource(
      'import os\nx == 1\ny += 2\nif True:\n    z = 3\nw = 4'
    );
    expect(out.map(p => p.name)).toEqual(['w']);
  });

  it('lets a later assignment win', () => {
    const out = parseParametersSource('a = 1\nb = 2\na = 3');
    expect(out).toEqual([
      { name: 'b', value: '2', parsed: true },
      { name: 'a', value: '3', parsed: true }
    ]);
  });

  it('decodes escapes and triple-quoted strings', () => {
    expect(parsePythonLiteral('"a\\nb"')).toBe('a\nb');
    expect(parsePythonLiteral("r'a\\nb'")).toBe('a\\nb');
    expect(parsePythonLiteral('"""x\ny"""')).toBe('x\ny');
    expect(() => parsePythonLiteral('{1, 2}')).toThrow();
    expect(() => parsePythonLiteral('1 + 2')).toThrow();
  });

  it('strips comments outside strings only', () => {
    expect(stripComment("a = '#x' # c")).toBe("a = '#x' ");
  });

  it('finds the first code cell tagged parameters', () => {
    const nb = {
      cells: [
        {
          cell_type: 'markdown',
          metadata: { tags: ['parameters'] },
          source: 'x = 1'
        },
        { cell_type: 'code', metadata: {}, source: 'y = 2' },
        {
          cell_type: 'code',
          metadata: { tags: ['parameters'] },
          source: ['a = 1\n', 'b = "s"']
        }
      ]
    };
    expect(readParametersCell(nb)).toEqual({
      found: true,
      parameters: [
        { name: 'a', value: '1', parsed: true },
        { name: 'b', value: 's', parsed: true }
      ]
    });
    expect(readParametersCell({ cells: [] })).toEqual({
      found: false,
      parameters: []
    });
  });
});

import { nbdimeDiffUrl } from '../model/diff';

describe('nbdimeDiffUrl', () => {
  it('points at the difftool with both paths encoded', () => {
    const url = nbdimeDiffUrl(
      'http://localhost:8888/lab-base/',
      'reports/a b.ipynb',
      'reports/a b.run-r1.ipynb'
    );
    expect(url).toBe(
      'http://localhost:8888/lab-base/nbdime/difftool' +
        '?base=reports%2Fa%20b.ipynb&remote=reports%2Fa%20b.run-r1.ipynb'
    );
  });
});

import * as React from 'react';
import { act } from 'react';
import type { Root } from 'react-dom/client';

import { nullTranslator } from '@jupyterlab/translation';

import { KeyValueEditor } from '../components/KeyValueEditor';
import { KeyValueRow, makeRow } from '../model/formState';

import { mountHost, unmountHost } from './fixtures';

// React 18's act() needs to know it runs in a test.
(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('jupyter_sagerun');

describe('KeyValueEditor (parameters)', () => {
  let host: HTMLDivElement;
  let root: Root;

  const render = (rows: KeyValueRow[]) => {
    act(() =>
      root.render(
        <KeyValueEditor
          trans={trans}
          section="parameters"
          rows={rows}
          onChange={() => undefined}
          errors={{}}
          maxEntries={50}
          keyMax={256}
          valueMax={1024}
          showKind
        />
      )
    );
  };
  const q = (testid: string) =>
    host.querySelector(`[data-testid="${testid}"]`) as HTMLInputElement;

  beforeEach(() => ({ host, root } = mountHost()));
  afterEach(() => unmountHost(host, root));

  it('shows each hint of a field on its own, as a sentence', () => {
    render([makeRow('my-param', 'abc')]);
    const notes = host.querySelector('.jp-SageRun-kvNotes')!;
    const hints = Array.from(notes.querySelectorAll('.jp-SageRun-hint'));
    expect(hints.map(h => h.textContent)).toEqual([
      'Read as text.',
      'Not a Python name: the notebook gets it only as the environment variable SAGEMAKER_NOTEBOOK_PARAMETER_my-param.'
    ]);
    // Block elements, one per line: never run together as "textnot a Python name".
    expect(hints.every(h => h.tagName === 'DIV')).toBe(true);
    expect(notes.textContent).not.toMatch(/[a-z]Not a Python/);
  });

  it("shows the notebook's default as the placeholder, typed values masked", () => {
    render([makeRow('alpha', '', '1'), makeRow('beta', 'secret')]);
    const fromCell = q('sagerun-param-value-0');
    expect(fromCell.value).toBe('');
    expect(fromCell.placeholder).toBe('1');
    const typed = q('sagerun-param-value-1');
    expect(typed.type).toBe('password');
    expect(typed.value).toBe('secret');
    expect(typed.placeholder).toBe('value');
    // The default's kind is shown too: what the run will send.
    expect(q('sagerun-param-kind-0').textContent).toBe(
      'Read as JSON (e.g. a number stays a number).'
    );
  });
});

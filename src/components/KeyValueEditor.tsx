import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';
import { closeIcon } from '@jupyterlab/ui-components';

import type { KeyValueRow } from '../model/formState';
import { makeRow } from '../model/formState';
import { FieldErrorMessage, FieldWarning } from './Field';
import {
  arrivesOnlyInEnvironment,
  rowPaths,
  valueKind
} from '../model/validation';

export interface IKeyValueEditorProps {
  trans: TranslationBundle;
  /** Field path prefix and test id stem: `parameters` → `sagerun-param-*`. */
  section: 'parameters' | 'metadata';
  rows: KeyValueRow[];
  onChange: (rows: KeyValueRow[]) => void;
  errors: { [path: string]: string };
  /** Keys to warn about (not defined by the parameters cell). */
  warnKeys?: Set<string>;
  warning?: string;
  maxEntries: number;
  keyMax: number;
  valueMax: number;
  /** Show how the notebook will read each value (parameters). */
  showKind?: boolean;
}

/** A key/value list with masked values, each revealed on demand. */
export function KeyValueEditor(props: IKeyValueEditorProps): JSX.Element {
  const { trans, section, rows } = props;
  const stem = section === 'parameters' ? 'sagerun-param' : 'sagerun-metadata';
  const [revealed, setRevealed] = React.useState<Set<number>>(new Set());
  const paths = rowPaths(section, rows);

  const setRow = (index: number, patch: Partial<KeyValueRow>) => {
    props.onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  };
  const remove = (index: number) => {
    props.onChange(rows.filter((_, i) => i !== index));
  };
  const add = () => {
    props.onChange([...rows, makeRow()]);
  };
  const toggle = (id: number) => {
    const next = new Set(revealed);
    if (next.has(id)) {
      next.delete(id);
    } else {
      next.add(id);
    }
    setRevealed(next);
  };

  return (
    <div className="jp-SageRun-kv">
      {rows.length === 0 ? (
        <div className="jp-SageRun-hint">{trans.__('None.')}</div>
      ) : null}
      {rows.map((row, i) => (
        <KeyValueRowEditor
          key={row.id}
          {...props}
          row={row}
          index={i}
          stem={stem}
          path={paths[i]}
          shown={revealed.has(row.id)}
          onToggle={() => toggle(row.id)}
          onEdit={patch => setRow(i, patch)}
          onRemove={() => remove(i)}
        />
      ))}
      <FieldErrorMessage field={section} message={props.errors[section]} />
      <div className="jp-SageRun-kvFooter">
        <button
          type="button"
          className="jp-mod-styled jp-mod-reject"
          data-testid={`${stem}-add`}
          disabled={rows.length >= props.maxEntries}
          onClick={add}
        >
          {section === 'parameters'
            ? trans.__('Add parameter')
            : trans.__('Add metadata')}
        </button>
        <span className="jp-SageRun-hint">
          {trans.__(
            '%1 of %2; keys up to %3 and values up to %4 characters',
            rows.length,
            props.maxEntries,
            props.keyMax,
            props.valueMax
          )}
        </span>
      </div>
    </div>
  );
}

/** One key/value row: key, masked value, show/hide, remove, and its notes. */
function KeyValueRowEditor(
  props: IKeyValueEditorProps & {
    row: KeyValueRow;
    index: number;
    stem: string;
    path: string;
    shown: boolean;
    onToggle: () => void;
    onEdit: (patch: Partial<KeyValueRow>) => void;
    onRemove: () => void;
  }
): JSX.Element {
  const { trans, row, index: i, stem, shown } = props;
  const key = row.key.trim();
  const error = props.errors[props.path];
  return (
    <div className="jp-SageRun-kvRow">
      <input
        className="jp-mod-styled"
        type="text"
        aria-label={trans.__('Key %1', i + 1)}
        placeholder={trans.__('name')}
        data-testid={`${stem}-key-${i}`}
        value={row.key}
        aria-invalid={error ? true : undefined}
        onChange={e => props.onEdit({ key: e.target.value })}
      />
      <input
        className="jp-mod-styled"
        type={shown ? 'text' : 'password'}
        autoComplete="new-password"
        spellCheck={false}
        aria-label={trans.__('Value %1', i + 1)}
        placeholder={trans.__('value')}
        data-testid={`${stem}-value-${i}`}
        value={row.value}
        aria-invalid={error ? true : undefined}
        onChange={e => props.onEdit({ value: e.target.value })}
      />
      <button
        type="button"
        className="jp-mod-styled jp-SageRun-small"
        data-testid={`${stem}-reveal-${i}`}
        aria-pressed={shown}
        title={shown ? trans.__('Hide the value') : trans.__('Show the value')}
        onClick={props.onToggle}
      >
        {shown ? trans.__('Hide') : trans.__('Show')}
      </button>
      <button
        type="button"
        className="jp-mod-styled jp-SageRun-small jp-SageRun-iconButton"
        data-testid={`${stem}-remove-${i}`}
        aria-label={trans.__('Remove %1', key || i + 1)}
        title={trans.__('Remove')}
        onClick={props.onRemove}
      >
        <closeIcon.react tag="span" elementSize="small" />
      </button>
      <KeyValueNotes {...props} rowKey={key} error={error} />
    </div>
  );
}

/** Under a row: how the notebook reads the value, warnings and the row's error. */
function KeyValueNotes(
  props: IKeyValueEditorProps & {
    row: KeyValueRow;
    index: number;
    stem: string;
    path: string;
    rowKey: string;
    error?: string;
  }
): JSX.Element {
  const { trans, row, index: i, stem, rowKey: key } = props;
  const kind = props.showKind && row.value.trim() ? valueKind(row.value) : null;
  return (
    <div className="jp-SageRun-kvNotes">
      {kind ? (
        <span className="jp-SageRun-hint">
          {kind === 'json'
            ? trans.__('read as JSON (e.g. a number stays a number)')
            : trans.__('read as text')}
        </span>
      ) : null}
      {props.showKind && arrivesOnlyInEnvironment(key) ? (
        <span className="jp-SageRun-hint" data-testid={`${stem}-envonly-${i}`}>
          {trans.__(
            'not a Python name: the notebook gets it only as the environment variable %1',
            `SAGEMAKER_NOTEBOOK_PARAMETER_${key}`
          )}
        </span>
      ) : null}
      {key && props.warnKeys?.has(key) ? (
        <FieldWarning message={props.warning} />
      ) : null}
      <FieldErrorMessage field={props.path} message={props.error} />
    </div>
  );
}

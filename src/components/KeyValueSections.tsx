import * as React from 'react';

import { LIMITS } from '../api/limits';
import { unknownParameterKeys } from '../model/validation';
import { Section } from './Field';
import type { ISectionProps } from './TextRow';
import { KeyValueEditor } from './KeyValueEditor';

/** The run's parameters, prefilled from the notebook's parameters cell. */
export function ParametersSection(
  props: ISectionProps & {
    cellNames: string[] | null;
    /** Said first, in a box: where the values are kept (a schedule's input). */
    notice?: string;
  }
): JSX.Element {
  const { trans, state, errors, update, cellNames } = props;
  return (
    <Section title={trans.__('Parameters')}>
      {props.notice ? (
        <div
          className="jp-SageRun-notice"
          data-testid="sagerun-schedule-params-note"
        >
          {props.notice}
        </div>
      ) : null}
      <div className="jp-SageRun-hint">
        {cellNames
          ? trans.__(
              'Prefilled from the cell tagged "parameters". Values are sent as text; a value that is JSON reaches the notebook decoded.'
            )
          : trans.__(
              'This notebook has no cell tagged "parameters": papermill adds the parameters at the top.'
            )}
      </div>
      <KeyValueEditor
        trans={trans}
        section="parameters"
        rows={state.parameters}
        onChange={rows => update({ parameters: rows }, ['parameters'])}
        errors={errors}
        warnKeys={unknownParameterKeys(state.parameters, cellNames)}
        warning={trans.__('The parameters cell does not define this name.')}
        maxEntries={LIMITS.parameters.maxEntries}
        keyMax={LIMITS.parameters.keyMax}
        valueMax={LIMITS.parameters.valueMax}
        showKind
      />
    </Section>
  );
}

/** The run's metadata: free key/value pairs kept with the run. */
export function MetadataSection(props: ISectionProps): JSX.Element {
  const { trans, state, errors, update } = props;
  return (
    <Section title={trans.__('Metadata')}>
      <KeyValueEditor
        trans={trans}
        section="metadata"
        rows={state.metadata}
        onChange={rows => update({ metadata: rows }, ['metadata'])}
        errors={errors}
        maxEntries={LIMITS.metadata.maxEntries}
        keyMax={LIMITS.metadata.keyMax}
        valueMax={LIMITS.metadata.valueMax}
      />
    </Section>
  );
}

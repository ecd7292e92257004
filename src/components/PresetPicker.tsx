import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import type { Preset } from '../model/presets';

/** Choose a preset to apply, or save the form's settings as one. */
export function PresetPicker(props: {
  trans: TranslationBundle;
  presets: Preset[];
  value: string;
  onChoose: (name: string) => void;
  onSave: () => void;
}): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-SageRun-presets">
      <label htmlFor="sagerun-preset">{trans.__('Preset')}</label>
      <select
        id="sagerun-preset"
        className="jp-mod-styled"
        data-testid="sagerun-preset"
        value={props.value}
        onChange={e => props.onChoose(e.target.value)}
      >
        <option value="">{trans.__('(none)')}</option>
        {props.presets.map(p => (
          <option key={p.name} value={p.name}>
            {p.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="jp-mod-styled jp-mod-reject"
        data-testid="sagerun-preset-save"
        onClick={props.onSave}
      >
        {trans.__('Save as preset…')}
      </button>
    </div>
  );
}

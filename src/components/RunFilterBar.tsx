import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

import { LIMITS } from '../api/limits';
import type { RunStatus } from '../api/types';
import type { RunScope } from '../model/runList';
import type { RunsModel } from '../model/runsModel';
import type { RunPlace } from '../model/workspaceFilter';
import { statusLabel } from './StatusBadge';

/** The Runs view's filters: which notebook, where its notebook is, which status. */
export function RunFilterBar(props: {
  model: RunsModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const { scope, status } = model.filters;
  return (
    <div className="jp-SageRun-filters">
      <select
        className="jp-mod-styled"
        aria-label={trans.__('Which runs')}
        data-testid="sagerun-filter-scope"
        value={scope}
        onChange={e =>
          void model.setFilters({ scope: e.target.value as RunScope })
        }
      >
        <option value="notebook">{trans.__('This notebook')}</option>
        <option value="all">{trans.__('All')}</option>
      </select>
      <select
        className="jp-mod-styled"
        aria-label={trans.__('Runs of which notebooks')}
        title={trans.__(
          'The project is shared by every Jupyter server of yours: show only the runs of notebooks in this server, or all of them'
        )}
        data-testid="sagerun-filter-place"
        value={model.place}
        onChange={e => model.setPlace(e.target.value as RunPlace)}
      >
        <option value="workspace">{trans.__('This workspace')}</option>
        <option value="project">{trans.__('All of the project')}</option>
      </select>
      <select
        className="jp-mod-styled"
        aria-label={trans.__('Status')}
        data-testid="sagerun-filter-status"
        value={status}
        onChange={e =>
          void model.setFilters({ status: e.target.value as RunStatus | '' })
        }
      >
        <option value="">{trans.__('Any status')}</option>
        {LIMITS.runStatuses.map(s => (
          <option key={s} value={s}>
            {statusLabel(s, trans)}
          </option>
        ))}
      </select>
    </div>
  );
}

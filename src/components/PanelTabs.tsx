import * as React from 'react';
import { TranslationBundle } from '@jupyterlab/translation';

export type PanelView = 'runs' | 'schedules';

const VIEWS: readonly PanelView[] = ['runs', 'schedules'];

/**
 * Runs | Schedules at the top of the Remote runs panel: a tab list as WAI-ARIA
 * describes it (arrow keys, Home and End move between the tabs and show them).
 */
export function PanelTabs(props: {
  trans: TranslationBundle;
  view: PanelView;
  onChange: (view: PanelView) => void;
}): JSX.Element {
  const { trans } = props;
  const refs = React.useRef<Array<HTMLButtonElement | null>>([]);
  const label = (view: PanelView) =>
    view === 'runs' ? trans.__('Runs') : trans.__('Schedules');
  const move = (event: React.KeyboardEvent, index: number) => {
    const last = VIEWS.length - 1;
    const to =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (to !== null) {
      event.preventDefault();
      props.onChange(VIEWS[to]);
      refs.current[to]?.focus();
    }
  };
  return (
    <div
      className="jp-SageRun-tabs"
      role="tablist"
      aria-label={trans.__('Remote runs views')}
    >
      {VIEWS.map((view, i) => (
        <button
          key={view}
          ref={el => (refs.current[i] = el)}
          type="button"
          role="tab"
          id={`sagerun-tab-${view}`}
          aria-selected={props.view === view}
          aria-controls={`sagerun-tabpanel-${view}`}
          tabIndex={props.view === view ? 0 : -1}
          className={
            'jp-SageRun-tab' + (props.view === view ? ' jp-mod-current' : '')
          }
          data-testid={`sagerun-tab-${view}`}
          onClick={() => props.onChange(view)}
          onKeyDown={e => move(e, i)}
        >
          {label(view)}
        </button>
      ))}
    </div>
  );
}

import * as React from 'react';
import { Clipboard } from '@jupyterlab/apputils';
import { copyIcon } from '@jupyterlab/ui-components';
import { TranslationBundle } from '@jupyterlab/translation';

/** Characters of an id shown in the narrow sidebar; the whole id is a copy away. */
const SHOWN = 8;

/**
 * An id shortened to fit a narrow sidebar (whole in its tooltip), with a button that
 * copies it whole: ids are for pasting into a terminal or a ticket, not for reading.
 */
export function ShortId(props: {
  id: string;
  trans: TranslationBundle;
  testId: string;
}): JSX.Element {
  const { id, trans } = props;
  const short = id.length > SHOWN + 1 ? `${id.slice(0, SHOWN)}…` : id;
  return (
    <span className="jp-SageRun-shortId">
      <code title={id} data-testid={props.testId} data-full={id}>
        {short}
      </code>
      <button
        type="button"
        className="jp-mod-styled jp-SageRun-small jp-SageRun-iconButton"
        aria-label={trans.__('Copy %1', id)}
        title={trans.__('Copy the whole id')}
        onClick={() => Clipboard.copyToSystem(id)}
      >
        <copyIcon.react tag="span" elementSize="small" />
      </button>
    </span>
  );
}

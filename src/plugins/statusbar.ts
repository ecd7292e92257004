import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import {
  CommandIDs,
  ISageRunRuns,
  STATUSBAR_PLUGIN_ID,
  TRANSLATION_DOMAIN
} from '../tokens';
import { RunsStatusWidget } from '../widgets/RunsPanelWidget';

/** The number of active remote runs in the status bar; a click opens the panel. */
export const statusbarPlugin: JupyterFrontEndPlugin<void> = {
  id: STATUSBAR_PLUGIN_ID,
  description: 'Shows the number of active remote runs in the status bar.',
  autoStart: true,
  requires: [ISageRunRuns, IStatusBar],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    runs: ISageRunRuns,
    statusBar: IStatusBar,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const item = new RunsStatusWidget({
      model: runs.model,
      trans,
      onClick: () => void app.commands.execute(CommandIDs.openRunsPanel)
    });
    statusBar.registerStatusItem(STATUSBAR_PLUGIN_ID, {
      item,
      align: 'left',
      rank: 5,
      isActive: () => true,
      activeStateChanged: undefined
    });
  }
};

import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { TranslationBundle } from '@jupyterlab/translation';

import type { SageRunClient } from '../api/client';
import type { OutputFormat, Run } from '../api/types';
import { nbdimeDiffUrl } from '../model/diff';
import { resultErrorMessage } from '../model/messages';
import { asApiError } from '../api/errors';

/** A run's result: exported into the workspace, opened, or diffed with its source. */
export class ResultOpener {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly client: SageRunClient,
    private readonly trans: TranslationBundle,
    private readonly docManager: IDocumentManager | null
  ) {}

  /** Export and open the result; its path, or null when that failed (and said so). */
  async open(
    runId: string,
    format: OutputFormat = 'IPYNB'
  ): Promise<string | null> {
    const { trans } = this;
    const work = this.client.exportOutput(runId, { format });
    Notification.promise(work as Promise<any>, {
      pending: {
        message: trans.__('Exporting the result of run %1…', runId),
        options: {}
      },
      success: {
        message: (result: any) =>
          result.resultOf === 'latestExport'
            ? trans.__(
                "Opened %1 (the notebook's latest export: this run's own result was not found).",
                result.path
              )
            : trans.__('Opened %1.', result.path),
        options: { autoClose: 4000 }
      },
      error: {
        message: (reason: unknown) =>
          resultErrorMessage(asApiError(reason), trans),
        options: { autoClose: false }
      }
    });
    try {
      const { path } = await work;
      // An executed notebook is for reading: opening it starts no kernel (each
      // result would otherwise start one); the user can pick one to run it.
      const noKernel = { shouldStart: false, canStart: true };
      if (this.docManager) {
        const wasOpen = !!this.docManager.findWidget(path);
        const widget = this.docManager.openOrReveal(
          path,
          undefined,
          undefined,
          {},
          noKernel
        );
        // JupyterLab before 4.5 has no kernelPreference argument (it ignores it and
        // starts the default kernel). Its session decides after the file has loaded,
        // later than this: setting the preference now has the same effect there.
        const session = wasOpen ? undefined : widget?.context.sessionContext;
        if (session) {
          session.kernelPreference = {
            ...session.kernelPreference,
            ...noKernel
          };
        }
      } else {
        await this.app.commands.execute('docmanager:open', {
          path,
          kernelPreference: noKernel
        });
      }
      return path;
    } catch {
      // Reported by the notification above.
      return null;
    }
  }

  /** Open the result and nbdime's diff of it against the notebook that ran. */
  async diffWithSource(run: Run): Promise<void> {
    const result = await this.open(run.id);
    if (result === null || !run.path) {
      return;
    }
    const url = nbdimeDiffUrl(
      this.app.serviceManager.serverSettings.baseUrl,
      run.path,
      result
    );
    window.open(url, '_blank', 'noopener');
  }
}

import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { Run } from '../api/types';
import type { IScheduleActions } from '../components/ScheduleRow';
import { asApiError } from '../api/errors';
import type { SchedulesModel } from '../model/schedulesModel';
import { CommandIDs } from '../tokens';

/** What the Schedules view's buttons do: the model's actions, asked and reported. */
export function scheduleActions(options: {
  app: JupyterFrontEnd;
  trans: TranslationBundle;
  model: SchedulesModel;
  /** Follow a run started here (Run now) in the runs panel. */
  track: (run: Run) => void;
}): IScheduleActions {
  const { app, trans, model } = options;
  // One whole sentence per action, for the translators.
  const failed = (message: (reason: string) => string) => (e: unknown) =>
    void Notification.error(message(asApiError(e).message), {
      autoClose: false
    });
  return {
    pause: s =>
      void model
        .pause(s.name)
        .catch(
          failed(r =>
            trans.__('Could not pause the schedule %1: %2', s.name, r)
          )
        ),
    resume: s =>
      void model
        .resume(s.name)
        .catch(
          failed(r =>
            trans.__('Could not resume the schedule %1: %2', s.name, r)
          )
        ),
    runNow: s =>
      void model.runNow(s.name).then(
        run => {
          options.track(run);
          Notification.success(
            trans.__('Run %1 of the schedule %2 started.', run.id, s.name),
            {
              autoClose: 8000,
              actions: [
                {
                  label: trans.__('View run'),
                  callback: () =>
                    void app.commands.execute(CommandIDs.showRun, {
                      runId: run.id
                    })
                }
              ]
            }
          );
        },
        failed(r =>
          trans.__('Could not run the schedule %1 now: %2', s.name, r)
        )
      ),
    edit: s =>
      void app.commands.execute(CommandIDs.editSchedule, { name: s.name }),
    remove: async s => {
      const answer = await showDialog({
        title: trans.__('Delete the schedule?'),
        body: trans.__(
          'The schedule %1 stops firing and is deleted. Its runs stay.',
          s.name
        ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Keep it') }),
          Dialog.warnButton({ label: trans.__('Delete') })
        ]
      });
      if (answer.button.accept) {
        await model
          .remove(s.name)
          .catch(
            failed(r =>
              trans.__('Could not delete the schedule %1: %2', s.name, r)
            )
          );
      }
    }
  };
}

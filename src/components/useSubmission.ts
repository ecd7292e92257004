import * as React from 'react';

import {
  begin,
  enterPhase,
  fail,
  IDLE,
  isBusy,
  progress,
  SubmissionState,
  SubmitPhase,
  succeed
} from '../model/submission';

export interface ISubmissionHook {
  state: SubmissionState;
  /** Seconds since the progress began (shown while syncing and starting). */
  elapsed: number;
  /**
   * Run one submission through the state machine (model/submission.ts); `known` names
   * the fields the form can mark. Resolves to the failure's state, or null.
   */
  run: (
    work: (onPhase: (phase: SubmitPhase) => void) => Promise<void>,
    known: () => Set<string>
  ) => Promise<SubmissionState | null>;
}

/** The form's submission: its state, the elapsed seconds and a double-click guard. */
export function useSubmission(): ISubmissionHook {
  const [state, setState] = React.useState<SubmissionState>(IDLE);
  const [elapsed, setElapsed] = React.useState(0);
  // A second click before React re-renders must not submit again.
  const current = React.useRef<SubmissionState>(IDLE);
  const move = (next: (s: SubmissionState) => SubmissionState) => {
    current.current = next(current.current);
    setState(current.current);
  };
  const showing = progress(state) !== null;

  React.useEffect(() => {
    if (!showing) {
      return;
    }
    const started = Date.now();
    const timer = setInterval(
      () => setElapsed(Math.floor((Date.now() - started) / 1000)),
      1000
    );
    return () => clearInterval(timer);
  }, [showing]);

  const run: ISubmissionHook['run'] = async (work, known) => {
    if (isBusy(current.current)) {
      return null;
    }
    move(begin);
    setElapsed(0);
    try {
      await work(phase => move(s => enterPhase(s, phase)));
      move(succeed);
      return null;
    } catch (e) {
      const failed = fail(e, known());
      move(() => failed);
      return failed;
    }
  };
  return { state, elapsed, run };
}

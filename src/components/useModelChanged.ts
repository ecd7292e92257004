import * as React from 'react';
import type { ISignal } from '@lumino/signaling';

/** Re-render whenever the model says it changed (its `changed` signal). */
export function useModelChanged(model: {
  readonly changed: ISignal<any, void>;
}): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const onChange = () => setTick(t => t + 1);
    model.changed.connect(onChange);
    return () => {
      model.changed.disconnect(onChange);
    };
  }, [model]);
}

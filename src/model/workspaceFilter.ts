import type { Run } from '../api/types';

/**
 * Which runs the panel lists by where their notebook is: the project and the
 * notebook mapping are shared by every Jupyter server of the user, so the project
 * holds runs of notebooks that are not in this server's root.
 */
export type RunPlace = 'workspace' | 'project';

export const PLACE_KEY = 'jupyter_sagerun:runs-place';

/**
 * Whether the run's notebook is a file of this server's root. Only the server's
 * explicit `false` says no: a run the server did not mark stays in the workspace.
 */
export function inThisWorkspace(run: Run): boolean {
  return run.inWorkspace !== false;
}

/** The runs to list under `place`. */
export function runsIn(items: readonly Run[], place: RunPlace): readonly Run[] {
  return place === 'project' ? items : items.filter(inThisWorkspace);
}

/** The place filter, remembered in `storage` (the tab's session) across reloads. */
export class PlaceFilter {
  constructor(
    private readonly _storage: Pick<Storage, 'getItem' | 'setItem'> | null
  ) {
    this._value =
      this._storage?.getItem(PLACE_KEY) === 'project' ? 'project' : 'workspace';
  }

  get value(): RunPlace {
    return this._value;
  }

  set value(place: RunPlace) {
    this._value = place;
    try {
      this._storage?.setItem(PLACE_KEY, place);
    } catch {
      // A full or refused storage only loses the memory, never the choice.
    }
  }

  private _value: RunPlace;
}

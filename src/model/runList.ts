import { isTerminal, Run, RunStatus } from '../api/types';

export type RunScope = 'notebook' | 'all';

export interface RunFilters {
  scope: RunScope;
  status: RunStatus | '';
}

/** Whether a run belongs in the list under these filters. */
export function matchesFilters(
  run: Run,
  filters: RunFilters,
  notebookPath: string | null
): boolean {
  if (filters.status && run.status !== filters.status) {
    return false;
  }
  if (filters.scope === 'notebook') {
    return !!notebookPath && run.path === notebookPath;
  }
  return true;
}

/**
 * The list with `runs` replacing the known ones; with `prepend`, the unknown ones
 * that match are added and the list is ordered newest first.
 */
export function mergeRuns(
  items: readonly Run[],
  runs: Run[],
  options: { prepend: boolean; matches: (run: Run) => boolean }
): Run[] {
  const byId = new Map(runs.map(r => [r.id, r]));
  const known = new Set(items.map(r => r.id));
  const merged = items.map(r => byId.get(r.id) ?? r);
  if (!options.prepend) {
    return merged;
  }
  const fresh = runs.filter(r => !known.has(r.id) && options.matches(r));
  const result = [...fresh, ...merged];
  if (fresh.length) {
    result.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  }
  return result;
}

/** The next page after the list, without the runs already in it. */
export function appendPage(items: readonly Run[], page: Run[]): Run[] {
  const have = new Set(items.map(r => r.id));
  return [...items, ...page.filter(r => !have.has(r.id))];
}

/** The listed runs not on the first page that have not ended (polled one by one). */
export function activeBeyond(
  items: readonly Run[],
  firstPage: ReadonlySet<string>
): Set<string> {
  const ids = new Set<string>();
  for (const run of items) {
    if (!firstPage.has(run.id) && !isTerminal(run.status)) {
      ids.add(run.id);
    }
  }
  return ids;
}

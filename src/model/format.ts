import { TranslationBundle } from '@jupyterlab/translation';

/** A timeout in hours and minutes, e.g. "1 h 30 min". */
export function formatHours(minutes: number, trans: TranslationBundle): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? trans.__('%1 h %2 min', h, m) : trans.__('%1 h', h);
}

/** A time as the browser's locale writes it; "—" when there is none. */
export function formatTime(iso?: string): string {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function formatDuration(
  start?: string,
  end?: string,
  now = Date.now()
): string {
  if (!start) {
    return '—';
  }
  const from = new Date(start).getTime();
  const to = end ? new Date(end).getTime() : now;
  if (isNaN(from) || isNaN(to)) {
    return '—';
  }
  let s = Math.max(0, Math.round((to - from) / 1000));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`;
}

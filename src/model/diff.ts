import { URLExt } from '@jupyterlab/coreutils';

/**
 * nbdime's lab extension adds this command; its presence says nbdime (lab and server
 * parts, installed together) is there. Its own `nbdime:diff` command cannot diff two
 * arbitrary files, so the diff opens nbdime's difftool page, which can.
 */
export const NBDIME_COMMAND = 'nbdime:diff-checkpoint';

/**
 * The URL of nbdime's difftool comparing `base` (the source notebook) with `remote`
 * (the downloaded result); both relative to the server root, as nbdime expects.
 */
export function nbdimeDiffUrl(
  baseUrl: string,
  base: string,
  remote: string
): string {
  return (
    URLExt.join(baseUrl, 'nbdime', 'difftool') +
    URLExt.objectToQueryString({ base, remote })
  );
}

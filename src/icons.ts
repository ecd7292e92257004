import { LabIcon } from '@jupyterlab/ui-components';

// A cloud with a play triangle: "run it somewhere else".
const RUN_REMOTELY_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M19.35 10.04A7.49 7.49 0 0 0 12 4C9.11 4 6.6 5.64 5.35 8.04A5.994 5.994 0 0 0 0 14c0 3.31 2.69 6 6 6h13c2.76 0 5-2.24 5-5 0-2.64-2.05-4.78-4.65-4.96zM19 18H6c-2.21 0-4-1.79-4-4 0-2.05 1.53-3.76 3.56-3.97l1.07-.11.5-.95A5.469 5.469 0 0 1 12 6c2.62 0 4.88 1.86 5.39 4.43l.3 1.5 1.53.11A2.98 2.98 0 0 1 22 15c0 1.65-1.35 3-3 3z"/>
    <path d="M10 9.5v7l5.5-3.5z"/>
  </g>
</svg>`;

export const runRemotelyIcon = new LabIcon({
  name: 'jupyter_sagerun:run-remotely',
  svgstr: RUN_REMOTELY_SVG
});

import { mainPlugin } from './plugins/main';
import { runsPlugin } from './plugins/runs';
import { statusbarPlugin } from './plugins/statusbar';

export * from './tokens';

export default [runsPlugin, mainPlugin, statusbarPlugin];

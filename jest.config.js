const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

// JupyterLab and its dependencies ship ES modules: let babel transform them.
const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyterlab/',
  '@lumino/',
  '@microsoft/',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/**/.ipynb_checkpoints/*'
  ],
  coverageReporters: ['lcov', 'text'],
  // The built labextension holds a copy of package.json; without this Jest warns
  // of a haste module naming collision on every run.
  modulePathIgnorePatterns: [
    '<rootDir>/jupyter_sagerun/labextension/',
    '<rootDir>/.venv/'
  ],
  testRegex: 'src/__tests__/.*\\.spec\\.tsx?$',
  transform: {
    ...baseConfig.transform,
    '\\.tsx?$': [
      'ts-jest',
      { tsconfig: './tsconfig.test.json', isolatedModules: true }
    ]
  },
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};

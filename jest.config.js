// Two projects: `unit` (pure logic, no I/O, runs anywhere) and `integration` (real Kafka, PostgreSQL
// and Redis, brought up or located by test/global-setup.ts). ts-jest only transpiles here
// (isolatedModules in tsconfig.json): `tsc --noEmit` in `make lint` type-checks the whole tree once.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const fs = require('node:fs');
const roots = [
  'shared',
  'receiver',
  'processor',
  'saver',
  'assessor',
  'tester',
  'bench',
  'client',
  'agent',
  'notifier',
  'dashboard',
  'test',
]
  .filter((dir) => fs.existsSync(`${__dirname}/${dir}`))
  .map((dir) => `<rootDir>/${dir}`);

module.exports = {
  projects: [
    {
      displayName: 'unit',
      roots,
      transform,
      testEnvironment: 'node',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.int\\.test\\.ts$'],
    },
    {
      displayName: 'integration',
      roots,
      transform,
      testEnvironment: 'node',
      testMatch: ['**/*.int.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration-timeout.ts'],
    },
  ],
};

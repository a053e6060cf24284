/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    '^@edgeprint/core$': '<rootDir>/layers/core/src/index.ts',
  },
  testTimeout: 60000,
  // Integration suites each start their own embedded DynamoDB; two workers fit the 2-core machines.
  maxWorkers: 2,
};

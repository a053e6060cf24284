/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // middy and jose ship ESM only; jest on Node 20 cannot require ESM, so their files are compiled to CommonJS.
    '^.+/node_modules/(@middy|jose)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/|jose/)'],
  moduleNameMapper: {
    '^@edgeprint/core$': '<rootDir>/layers/core/src/index.ts',
    // In the repo the package's own entries are its sources; the packed package ships them compiled (test/infra/package.test.ts).
    '^edgeprint/infra$': '<rootDir>/infra/index.ts',
    '^edgeprint/v1$': '<rootDir>/layers/core/src/v1.ts',
  },
  testTimeout: 60000,
  // Integration suites each start their own embedded DynamoDB; two workers fit the 2-core machines.
  maxWorkers: 2,
};

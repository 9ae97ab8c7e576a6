const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
    // content-disposition 3 (under @fastify/static, which serves /docs) is ESM-only and required from
    // CommonJS; Node 20's jest cannot require ESM, so that one package is compiled to CommonJS.
    '/node_modules/content-disposition/.+\\.js$': ['ts-jest', { useESM: false, tsconfig: { allowJs: true, module: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testEnvironment: 'node',
};

export default {
  // Per-project testTimeout is ignored by jest 30; a root one applies to every project.
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // The browser test needs Chromium, which a user's fresh machine lacks: `npm run test:browser`.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/console\\.e2e-spec\\.ts$'],
      globalSetup: '<rootDir>/test/global-setup.js',
      globalTeardown: '<rootDir>/test/global-teardown.js',
    },
    {
      ...shared,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/console.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.js',
      globalTeardown: '<rootDir>/test/global-teardown.js',
    },
    {
      ...shared,
      displayName: 'redis',
      testMatch: ['<rootDir>/test/**/*.redis-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.js',
      globalTeardown: '<rootDir>/test/global-teardown.js',
    },
  ],
};

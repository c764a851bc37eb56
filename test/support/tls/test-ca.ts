/**
 * Moved to `tools/pki/test-ca.ts` (one PKI helper for tests, benchmarks and the demo). This
 * re-export only keeps older import paths compiling; import from tools/ and delete it.
 */
export * from '../../../tools/pki/test-ca';

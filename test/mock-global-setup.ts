// The root suite's shared mock serves the spec's examples: the contract, CLI and runtime tests
// check the client against them. Stateful behaviour is tested in packages/mock/test/stateful.test.ts.
import { mockGlobalSetup } from '@box-docgen/mock/vitest';

export default mockGlobalSetup({ mode: 'static' });

// A server in a process of its own, for the throughput runs (forked by mock.js):
//   mock-child.js stateful   @box-docgen/mock's startMockServer() defaults, the bench's job preloaded
//   mock-child.js static     the same with mode: 'static' (the spec's examples)
// It says where it listens over IPC and exits when the parent lets go.
import { startMockServer } from '@box-docgen/mock';
import { JOB } from '../server.js';

const mode = process.argv[2] ?? 'stateful';
const mock = await startMockServer(mode === 'static' ? { mode } : {});
if (mode !== 'static') await mock.state.load({ jobs: [JOB] });
process.on('disconnect', () => mock.close().then(() => process.exit(0)));
process.send({ type: 'ready', url: mock.url });

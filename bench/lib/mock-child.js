// A server in a process of its own, for the throughput runs (forked by mock.js):
//   mock-child.js mock    @box-docgen/mock's startMockServer() with its defaults
// It says where it listens over IPC and exits when the parent lets go.
import { startMockServer } from '@box-docgen/mock';

const mock = await startMockServer();
process.on('disconnect', () => mock.close().then(() => process.exit(0)));
process.send({ type: 'ready', url: mock.url });

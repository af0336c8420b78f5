// box-node-sdk at its smallest: only its Doc Gen manager, imported from its own module, instead
// of a BoxClient that constructs every manager (see box-common.ts). Not the documented way.
import { BoxDeveloperTokenAuth } from 'box-node-sdk';
import { DocgenManager } from 'box-node-sdk/managers/docgen';
import { NetworkSession } from 'box-node-sdk/networking';
import { app } from './box-common.js';

app(
  (token) => new DocgenManager({ auth: new BoxDeveloperTokenAuth({ token }), networkSession: new NetworkSession({}) }),
);

// box-node-sdk as Box documents it: a BoxClient with a developer token (see box-common.ts).
import { BoxClient, BoxDeveloperTokenAuth } from 'box-node-sdk';
import { app } from './box-common.js';

app((token) => new BoxClient({ auth: new BoxDeveloperTokenAuth({ token }) }).docgen);

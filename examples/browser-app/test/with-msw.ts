// The page as its test runs it: MSW's service worker answers https://api.box.com from the
// stateful mock of @box-docgen/mock/msw, then the app's own entry point runs unchanged.
import { docgenHandlers } from '@box-docgen/mock/msw';
import { setupWorker } from 'msw/browser';

const docgen = docgenHandlers({ polls: 1, firstId: 7100001, tokens: ['browser-app-token'] });
await setupWorker(...docgen.handlers).start({
  onUnhandledFrame: 'error',
  quiet: true,
  serviceWorker: { url: '/mockServiceWorker.js' },
});
await import('../src/main.js');

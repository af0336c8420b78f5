// The page's entry point: the app on Box's API.
import { mountApp } from './app.js';

mountApp(document.getElementById('app')!);

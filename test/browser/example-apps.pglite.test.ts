import { exampleAppsSuite } from './example-apps.js';

exampleAppsSuite('pglite');

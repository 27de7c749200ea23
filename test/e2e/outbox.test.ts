import { describeOutbox } from './outbox-suite.js';
import { inforBaswareProbe } from './outbox-probes.js';

describeOutbox(inforBaswareProbe);

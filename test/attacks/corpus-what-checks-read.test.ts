import { WHAT_CHECKS_READ } from './corpus/what-checks-read.js';
import { describeCorpus } from './expect-answer.js';

describeCorpus('on what the checks read', WHAT_CHECKS_READ);

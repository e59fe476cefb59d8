import { WHAT_RUNS } from './corpus/what-runs.js';
import { describeCorpus } from './expect-answer.js';

describeCorpus('on what runs the checks', WHAT_RUNS);

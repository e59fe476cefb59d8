import { EARLIER } from './corpus/earlier.js';
import { describeCorpus } from './expect-answer.js';

describeCorpus('those found before issue 74', EARLIER);

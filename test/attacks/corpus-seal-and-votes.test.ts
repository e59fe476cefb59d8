import { SEAL_AND_VOTES } from './corpus/seal-and-votes.js';
import { describeCorpus } from './expect-answer.js';

describeCorpus('on the seal, and by the checked code voting', SEAL_AND_VOTES);

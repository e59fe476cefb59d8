import { describe, expect, it } from 'vitest';
import { bodyHash, CommentTags } from '../../src/github/client/comment-tags.js';

const REPO = { owner: 'octo-org', repo: 'widgets' };

describe('the tags of the comments this process wrote', () => {
  it('keeps the last tag of each comment with its body’s hash, at most `limit`, the least recently noted forgotten first', () => {
    const tags = new CommentTags(2);
    tags.note(REPO, 1, 'W/"a"', 'first');
    tags.note(REPO, 2, 'W/"b"', 'second');
    tags.note(REPO, 1, 'W/"c"', 'first, edited');
    tags.note(REPO, 3, 'W/"d"', 'third');
    expect(tags.of(REPO, 1)).toEqual({ etag: 'W/"c"', hash: bodyHash('first, edited') });
    expect(tags.of(REPO, 2)).toBeUndefined();
    // Comments of another repository are other comments.
    expect(tags.of({ owner: 'octo-org', repo: 'gadgets' }, 3)).toBeUndefined();
  });

  it('forgets a comment whose answer carried no tag: its next read is asked whole', () => {
    const tags = new CommentTags();
    tags.note(REPO, 1, 'W/"a"', 'first');
    tags.note(REPO, 1, undefined, 'edited');
    expect(tags.of(REPO, 1)).toBeUndefined();
  });
});

import { validate } from '@octokit/graphql-schema';
import { describe, expect, it } from 'vitest';
import { DELETE_REFS } from '../../src/github/act/locks/clean-up-refs.js';
import { ENABLE_AUTO_MERGE } from '../../src/github/act/pulls.js';
import { SET_QUERY } from '../../src/github/change-set/set-query.js';
import { BUILD_QUERY } from '../../src/github/observe/build-query.js';
import {
  PROJECT_ITEM_QUERY,
  PROJECT_VALUE_QUERY,
} from '../../src/github/reconcile/doors/project/read-project-item.js';

describe("the app's GraphQL documents", () => {
  it.each([
    [
      'the build query (its first page, BatonBuild, and the later pages of its lists: BatonBuildPulls, BatonBuildRefs, BatonPullChecks, BatonIssueStates)',
      BUILD_QUERY,
    ],
    [
      "a change set's operations (BatonMembers, BatonSet) with the build query they are sent with",
      SET_QUERY,
    ],
    ['the auto-merge mutation', ENABLE_AUTO_MERGE],
    ["a finished build's refs deleted (updateRefs)", DELETE_REFS],
    ["the project door's item (BatonProjectItem)", PROJECT_ITEM_QUERY],
    ["the project door's field value (BatonProjectValue)", PROJECT_VALUE_QUERY],
  ])('%s is valid against GitHub’s published schema', (_, document) => {
    expect(validate(document).map((error) => error.message)).toEqual([]);
  });
});

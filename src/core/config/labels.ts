import type { Config } from './config.js';

/** The label that tells people a worker PR waits for them. */
export const NEEDS_HUMAN_LABEL = 'baton:needs-human';

/** A label Baton uses, as it creates it in a repository that lacks it. */
export interface LabelSpec {
  name: string;
  /** Six hex digits, no `#` (GitHub's form). */
  color: string;
  description: string;
}

/**
 * Every label Baton uses in a repository: the ones that start a build (the
 * configured `label`, and `types.research` and `types.content`) and the one it puts on a worker pull request that
 * needs a person. Descriptions say what the label does, since they show in
 * GitHub's label picker.
 */
export function batonLabels({ label, types }: Pick<Config, 'label' | 'types'>): LabelSpec[] {
  return [
    {
      name: label,
      color: '5319e7',
      description: 'Baton plans this issue and builds it through pull requests',
    },
    {
      name: types.research,
      color: '5319e7',
      description: 'Baton researches this issue: findings with sources, then one report',
    },
    {
      name: types.content,
      color: '5319e7',
      description: 'Baton writes the documents this issue asks for, through pull requests',
    },
    {
      name: NEEDS_HUMAN_LABEL,
      color: 'd93f0b',
      description: 'Baton stopped here: a person needs to look at this pull request',
    },
  ];
}

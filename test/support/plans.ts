/** A plan of one worker, as a plan session's model submits it (`submit_plan`). */
export const ONE_WORKER_PLAN = {
  title: 'Greeting',
  summary: 'One worker.',
  workers: [
    {
      id: 'W1.1',
      title: 'Greet',
      depends_on: [],
      complexity: 'normal',
      brief: '## Mission\n\nGreet.\n\n## Success criteria\n\n- [ ] done\n',
    },
  ],
};

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

/** The first worker of the simulator's greeting plans, as its plan session submits it. */
export const GREETING_TEXT_WORKER = {
  id: 'W1.1',
  title: 'Greeting text',
  depends_on: [],
  complexity: 'easy',
  brief: '## Mission\n\nAdd greeting.txt.\n\n## Success criteria\n\n- [ ] greeting.txt exists\n',
};

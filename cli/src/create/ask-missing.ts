import { createInterface } from 'node:readline/promises';
import { AUTH_CHOICES, type AuthChoice, type ScaffoldAnswers } from '@jobforge/toolkit';

/** Asks, on a terminal, for each answer the flags did not give; Enter takes the default. */
export async function askMissing(given: ScaffoldAnswers): Promise<ScaffoldAnswers> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answers = { ...given };
    if (answers.name === undefined) answers.name = await rl.question('Name (Enter for default): ');
    if (answers.description === undefined)
      answers.description = await rl.question('Description (Enter for default): ');
    while (answers.auth === undefined) {
      const auth =
        (await rl.question(`Auth (${AUTH_CHOICES.join(', ')}) [none]: `)).trim() || 'none';
      if ((AUTH_CHOICES as readonly string[]).includes(auth)) answers.auth = auth as AuthChoice;
      else process.stderr.write(`  choose one of ${AUTH_CHOICES.join(', ')}\n`);
    }
    if (answers.jobTypes === undefined) {
      const types = (await rl.question('Job types, comma-separated actions [run]: ')).trim();
      answers.jobTypes = types ? types.split(',').map((t) => t.trim()) : [];
    }
    return answers;
  } finally {
    rl.close();
  }
}

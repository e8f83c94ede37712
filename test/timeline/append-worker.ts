/** Child process for the concurrency test: appends `count` notes to a timeline through the store. */
import { openTimeline } from '../../src/timeline/store.js';

const [path, run, by, count] = process.argv.slice(2);
const store = await openTimeline(path!, { run: run! });
for (let i = 0; i < Number(count); i++) {
  // A long text makes a torn line likelier if two writes ever interleaved.
  await store.append({ type: 'note', text: `${by} ${i} ${'x'.repeat(5000)}`, by: by! });
}
await store.close();

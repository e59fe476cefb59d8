import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** What app.yml asks of every installation: its permissions and the events it subscribes to. */
export const AppManifest = z.object({
  default_permissions: z.record(z.string(), z.string()),
  default_events: z.array(z.string()),
});
export type AppManifest = z.infer<typeof AppManifest>;

/** app.yml beside the package: two folders up from the sources, three from dist/. */
export function readAppManifest(): AppManifest {
  for (const relative of ['../../app.yml', '../../../app.yml']) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(url)) return AppManifest.parse(parse(readFileSync(url, 'utf8')));
  }
  throw new Error("app.yml is not beside Baton's package: run the doctor from the app's checkout");
}

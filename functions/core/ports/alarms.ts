/** What the alarm use case and the admission hook need of CloudWatch, at a site (`undefined`: the hub's). */
import type { Site } from '../sites.ts';

export interface AlarmsPort {
  /** The alarm's tags, for pipelines that select alarms by tag. */
  tagsOf(alarmArn: string, site: Site | undefined): Promise<Record<string, string>>;
  /** The names among `names` whose alarms are in ALARM now (a missing alarm is not). */
  firing(names: readonly string[], site: Site | undefined): Promise<string[]>;
}

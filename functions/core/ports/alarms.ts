/** What the alarm use case and the admission hook need of CloudWatch. */
export interface AlarmsPort {
  /** The alarm's tags, for pipelines that select alarms by tag. */
  tagsOf(alarmArn: string): Promise<Record<string, string>>;
  /** The names among `names` whose alarms are in ALARM now (a missing alarm is not). */
  firing(names: readonly string[]): Promise<string[]>;
}

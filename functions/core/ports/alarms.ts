/** What the alarm use case needs of CloudWatch. */
export interface AlarmsPort {
  /** The alarm's tags, for pipelines that select alarms by tag. */
  tagsOf(alarmArn: string): Promise<Record<string, string>>;
}

/** AlarmsPort over CloudWatch: an alarm's tags (pipelines select alarms by tag) and which alarms are firing. */
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { TransientError } from '#core/errors.ts';
import type { AlarmsPort } from '#core/ports/alarms.ts';
import { isTransientAwsError } from './aws-clients.ts';

/** DescribeAlarms takes at most 100 names per call. */
const namesPerCall = 100;

export const createAlarmsAdapter = (client: CloudWatchClient): AlarmsPort => ({
  async tagsOf(alarmArn) {
    try {
      const { Tags = [] } = await client.send(new ListTagsForResourceCommand({ ResourceARN: alarmArn }));
      return Object.fromEntries(Tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
    } catch (error) {
      if (isTransientAwsError(error))
        throw new TransientError(`ListTagsForResource ${alarmArn}: ${(error as Error).message}`, {
          cause: error,
        });
      // A deleted alarm, or one we may not read: it matches no tag selector.
      return {};
    }
  },

  async firing(names) {
    const firing: string[] = [];
    for (let start = 0; start < names.length; start += namesPerCall) {
      const batch = names.slice(start, start + namesPerCall);
      try {
        const answer = await client.send(
          new DescribeAlarmsCommand({
            AlarmNames: [...batch],
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          }),
        );
        // The state is checked here rather than with StateValue, which not every endpoint applies with names.
        for (const alarm of [...(answer.MetricAlarms ?? []), ...(answer.CompositeAlarms ?? [])])
          if (alarm.AlarmName && alarm.StateValue === 'ALARM') firing.push(alarm.AlarmName);
      } catch (error) {
        // Unsure is not "healthy": the caller decides what an unreadable alarm means.
        throw isTransientAwsError(error)
          ? new TransientError(`DescribeAlarms: ${(error as Error).message}`, { cause: error })
          : error;
      }
    }
    return firing;
  },
});

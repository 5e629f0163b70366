/** AlarmsPort over CloudWatch: an alarm's tags, for pipelines that select their alarms by tag. */
import { type CloudWatchClient, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { TransientError } from '#core/errors.ts';
import type { AlarmsPort } from '#core/ports/alarms.ts';
import { isTransientAwsError } from './aws-clients.ts';

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
});

/** The one Powertools Logger that every handler, use case and the CLI share. */
import { Logger } from '@aws-lambda-powertools/logger';

export const serviceName = 'deckhand';

export const logger = new Logger({ serviceName });

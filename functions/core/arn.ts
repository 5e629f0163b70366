/** ARN parts Deckhand needs. One place, so every caller reads a name from an ARN the same way. */

/** The last `/` segment of an ARN, or the value itself: cluster and service names, `family:revision`. */
export const resourceName = (arnOrName: string): string => arnOrName.slice(arnOrName.lastIndexOf('/') + 1);

/** The ledger's key for a service: `<cluster name>/<service name>`, whether the config names an ARN or a name. */
import { resourceName } from './arn.ts';

export const serviceKeyOf = (cluster: string, service: string): string =>
  `${resourceName(cluster)}/${resourceName(service)}`;

/** `cluster/service` from a service ARN; the old ARN format without a cluster means `default`. */
export const serviceKeyFromArn = (arn: string): string => {
  const resource = arn.slice(arn.indexOf(':service/') + ':service/'.length);
  return resource.includes('/') ? resource : `default/${resource}`;
};

export const splitServiceKey = (serviceKey: string): { cluster: string; service: string } => {
  const slash = serviceKey.indexOf('/');
  return { cluster: serviceKey.slice(0, slash), service: serviceKey.slice(slash + 1) };
};

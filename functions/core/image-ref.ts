/** ECR image references: repository URIs, digests, and which container images come from a repository. */

/** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>`, with the `.com.cn` suffix in China. */
export const repositoryUri = (account: string, region: string, repository: string): string =>
  `${account}.dkr.ecr.${region}.amazonaws.${region.startsWith('cn-') ? 'com.cn' : 'com'}/${repository}`;

/** True when `image` is any tag or digest reference to exactly this repository (not one whose name extends it). */
export const isImageFrom = (image: string, uri: string): boolean =>
  image === uri || image.startsWith(`${uri}:`) || image.startsWith(`${uri}@`);

export const pinnedImage = (uri: string, digest: string): string => `${uri}@${digest}`;

export const shortDigest = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

/** The digest an image reference pins, if any. */
export const digestOf = (image: string): string | undefined => {
  const at = image.lastIndexOf('@');
  return at === -1 ? undefined : image.slice(at + 1);
};

/** The registry's account and Region, and the repository, of `<account>.dkr.ecr.<region>.amazonaws.com/<repo>`. */
export const registryOfUri = (
  uri: string,
): { account: string; region: string; repository: string } | undefined => {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/.exec(uri);
  return match ? { account: match[1] ?? '', region: match[2] ?? '', repository: match[3] ?? '' } : undefined;
};

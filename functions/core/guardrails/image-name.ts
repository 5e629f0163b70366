/** Parses a container image reference: `[host[:port]/]path[:tag][@digest]`, as Docker does. */
export interface ImageName {
  /** Registry host (with port); `docker.io` when the reference names none. */
  registry: string;
  path: string;
  tag?: string;
  digest?: string;
}

export const parseImageName = (reference: string): ImageName | undefined => {
  const trimmed = reference.trim();
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  const at = trimmed.indexOf('@');
  const digest = at >= 0 ? trimmed.slice(at + 1) : undefined;
  const named = at >= 0 ? trimmed.slice(0, at) : trimmed;
  if (digest !== undefined && !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest))
    return undefined;
  const slash = named.indexOf('/');
  const first = slash >= 0 ? named.slice(0, slash) : '';
  // Docker's rule: the first segment is a registry when it has a dot or a port, or is localhost.
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first.toLowerCase() : 'docker.io';
  const remainder = hasRegistry ? named.slice(slash + 1) : named;
  const colon = remainder.lastIndexOf(':');
  const tag = colon >= 0 ? remainder.slice(colon + 1) : undefined;
  const path = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (!path || path.startsWith('/') || path.endsWith('/')) return undefined;
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  return {
    registry,
    path,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
};

const privateEcrHost = /^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;

/**
 * True when the image's registry is allowed. An entry is a host, optionally with a path prefix matched on
 * segment boundaries (`ghcr.io/acme` allows `ghcr.io/acme/web`, not `ghcr.io/acme-evil/web`). The entry
 * `ecr` stands for any private ECR registry host.
 */
export const registryAllowed = (image: ImageName, allowed: readonly string[]): boolean =>
  allowed.some((entry) => {
    if (entry === 'ecr') return privateEcrHost.test(image.registry);
    const slash = entry.indexOf('/');
    const host = (slash >= 0 ? entry.slice(0, slash) : entry).toLowerCase();
    const prefix = slash >= 0 ? entry.slice(slash + 1).replace(/\/+$/, '') : '';
    if (image.registry !== host) return false;
    return prefix === '' || image.path === prefix || image.path.startsWith(`${prefix}/`);
  });

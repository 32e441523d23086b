// Whether a service image is a Docker-in-Docker daemon (`docker:dind`, `docker:27-dind`,
// `registry.example/docker:dind-rootless`, `…/docker-dind`): both container executors look for the
// DinD pattern to name its misconfigurations before anything starts. Pure.
export function isDindImage(image: string): boolean {
  const name = image.split('@')[0] ?? image;
  const tag = name.includes(':') ? name.slice(name.lastIndexOf(':') + 1) : '';
  const path = name.includes(':') ? name.slice(0, name.lastIndexOf(':')) : name;
  return /(^|[-_.])dind($|[-_.])/.test(tag) || /(^|\/)dind$|docker-dind$|-dind$/.test(path);
}

// The credentials of one registry, in the shape Docker's engine API takes (`X-Registry-Auth`) and a
// `kubernetes.io/dockerconfigjson` secret holds: shared by the docker and kubernetes executors.
export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
  serveraddress: string;
}

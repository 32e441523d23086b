import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';
import { ensureImage, type TestImageName } from '../../fixtures/images/build.js';
import { runSetupOnce, runSetupScript, setupError, type SetupResult } from './setup-script.js';

/** The idempotent, lock-protected setup script this module runs (see its header). */
export const ensureKubeScript = fileURLToPath(new URL('./ensure-kube.sh', import.meta.url));
/** Copies images from the Docker engine into the node's containerd (see its header). */
export const loadImageScript = fileURLToPath(new URL('./kube/load-image.sh', import.meta.url));

/**
 * On a fresh machine the script installs containerd and builds Kubernetes from source: about five
 * minutes of compiling on two cores, plus module downloads and apt. Far less once cached.
 * A test's beforeAll that calls ensureKubeCluster needs a timeout at least this long.
 */
export const kubeSetupTimeoutMs = 40 * 60_000;
const loadTimeoutMs = 10 * 60_000;

/** Where the test bed's cluster is: what ensure-kube.sh prints. */
export interface KubeCluster {
  /** The admin kubeconfig (client certificate in group system:masters). */
  kubeconfig: string;
  /** The API server's URL, `https://127.0.0.1:PORT`. */
  server: string;
  /** The directory of the built binaries: kubectl, kubelet, kube-apiserver, … */
  binDir: string;
  /** `BIN_DIR/kubectl`. */
  kubectl: string;
  /** Certificates, kubeconfigs, data and the daemons' logs (`logs/NAME.log`). */
  stateDir: string;
  /** The node's containerd socket (images live in its `k8s.io` namespace). */
  containerdAddress: string;
  /** The one node's name. */
  nodeName: string;
}

const answerKeys = {
  KUBECONFIG: 'kubeconfig',
  SERVER: 'server',
  BIN_DIR: 'binDir',
  STATE_DIR: 'stateDir',
  CONTAINERD_ADDRESS: 'containerdAddress',
  NODE_NAME: 'nodeName',
} as const;

/**
 * Make sure the test bed's Kubernetes cluster answers (API server, scheduler, controller manager
 * and a Ready node), building, installing and starting what is missing. Runs the setup script
 * at most once per process; concurrent callers share that run, and a failed run is forgotten so
 * a later call can try again.
 */
export function ensureKubeCluster(): Promise<KubeCluster> {
  return runSetupOnce(ensureKubeScript, kubeSetupTimeoutMs, clusterOf);
}

function clusterOf(result: SetupResult): KubeCluster {
  const found: Partial<Record<(typeof answerKeys)[keyof typeof answerKeys], string>> = {};
  for (const line of result.stdout.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    const key = match && answerKeys[match[1] as keyof typeof answerKeys];
    if (key) found[key] = match[2];
  }
  const { kubeconfig, server, binDir, stateDir, containerdAddress, nodeName } = found;
  if (result.failed || !kubeconfig || !server || !binDir || !stateDir || !containerdAddress || !nodeName) {
    throw setupError('Kubernetes test bed setup', ensureKubeScript, kubeSetupTimeoutMs, result, `${result.stderr}\n${result.stdout}`);
  }
  return { kubeconfig, server, binDir, kubectl: `${binDir}/kubectl`, stateDir, containerdAddress, nodeName };
}

const testImageNames: readonly string[] = ['busybox', 'busybox-web', 'registry', 'debian-minbase', 'docker-dind', 'docker-cli'];

/**
 * Make images available to the node's pods (use them with imagePullPolicy Never or IfNotPresent).
 * Each name is either a test image (`busybox`, … as `ensureImage` takes; built in Docker when
 * needed) or a reference the Docker engine already has. Resolves to the references, in order,
 * as a pod spec's `image` names them. An image the node already has is not copied again.
 */
export async function loadImages(names: readonly string[]): Promise<string[]> {
  await ensureKubeCluster();
  const references = await Promise.all(
    names.map((name) => (testImageNames.includes(name) ? ensureImage(name as TestImageName) : Promise.resolve(name))),
  );
  const result = await runSetupScript(loadImageScript, references, loadTimeoutMs);
  if (result.failed) {
    throw setupError(`loading ${references.join(', ')} into the test bed node`, loadImageScript, loadTimeoutMs, result, `${result.stderr}\n${result.stdout}`);
  }
  return references;
}

/** Runs the test bed's kubectl as the admin; never rejects (look at exitCode). */
export function kubectl(cluster: KubeCluster, args: readonly string[], options: Pick<Options, 'input' | 'timeout'> = {}) {
  const common = { env: { KUBECONFIG: cluster.kubeconfig }, timeout: options.timeout ?? 60_000, reject: false } as const;
  return options.input === undefined
    ? execa(cluster.kubectl, args, { ...common, stdin: 'ignore' })
    : execa(cluster.kubectl, args, { ...common, input: options.input });
}

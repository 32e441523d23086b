// The executor contract suite on the kubernetes executor with GitLab Runner's default, the attach
// strategy (kubernetes-legacy.test.ts runs it with the exec strategy).
import { runKubernetesContract } from './kubernetes-contract.js';

runKubernetesContract('kubernetes');

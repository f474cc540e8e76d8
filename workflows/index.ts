// The workflow bundle's entry: every workflow the worker registers.
export { blueGreenDeployment } from './blue-green-deployment.js';
export { releaseTrain } from './release-train.js';

export { startControllers, type ControllersOptions, type ControllersStatus, type ControllerSources, type RunningControllers } from './start-controllers.js';
export { DeploymentController, InvalidDeploymentError, type DeploymentControllerDeps } from './deployment-controller.js';
export { Scheduler, type SchedulerDeps } from './scheduler.js';
export { EndpointSliceController, type EndpointSliceControllerDeps } from './endpoint-slice-controller.js';
export { planDeployment, type DeploymentPlan, type DeploymentCounts, type PlanInput } from './plan-deployment.js';
export { resolveStrategy, RolloutStrategyError, type RolloutStrategy } from './rollout-strategy.js';
export { chooseNode, isNodeSchedulable } from './choose-node.js';
export {
  desiredEndpointSlices,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  type DesiredSlice,
  type SliceEndpoint,
  type SlicePort,
} from './desired-endpoint-slices.js';
export { podTemplateHash, POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
export { ObjectView } from './object-view.js';
export type { KubeWriter } from './kube-writer.js';
export { createKubeWriter, HttpKubeWriter, type KubeWriterOptions } from './http-kube-writer.js';
export type { ControllerLogger } from './logger.js';
export { parseControllersArgs, CONTROLLERS_HELP, type ControllersConfig } from './controllers-config.js';

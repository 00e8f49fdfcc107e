import {
  createInformerSources,
  type ClusterSources,
  type Deployment,
  type EndpointSlice,
  type KubeObject,
  type Node,
  type ObjectChange,
  type ObjectSource,
  type Pod,
  type Service,
  type WorkloadSources,
} from '@netledger/k8s';
import { DeploymentController } from './deployment-controller.js';
import { EndpointSliceController } from './endpoint-slice-controller.js';
import { createKubeWriter, type HttpKubeWriter } from './http-kube-writer.js';
import type { KubeWriter } from './kube-writer.js';
import type { ControllerLogger } from './logger.js';
import { ObjectView } from './object-view.js';
import { Scheduler } from './scheduler.js';

/** The kinds the controllers watch. */
export type ControllerSources = Pick<ClusterSources, 'pods' | 'nodes' | 'services' | 'endpointSlices'> & WorkloadSources;

/** Options of `startControllers`: a kubeconfig, or sources and a writer of your own. */
export interface ControllersOptions {
  /** Kubeconfig of the cluster; required unless both `sources` and `writer` are given. */
  readonly kubeconfigPath?: string;
  readonly sources?: ControllerSources;
  readonly writer?: KubeWriter;
  readonly logger: ControllerLogger;
  /** Delays before a failed sync is retried: doubling from `initialMs` to `maxMs` (default 200 ms to 30 s). */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
}

/** What `/status` shows of the controllers. */
export interface ControllersStatus {
  readonly synced: boolean;
  readonly objects: { readonly deployments: number; readonly pods: number; readonly nodes: number; readonly services: number; readonly endpointSlices: number };
  readonly deployments: ReturnType<DeploymentController['stats']>;
  readonly scheduler: ReturnType<Scheduler['stats']>;
  readonly endpointSlices: ReturnType<EndpointSliceController['stats']>;
}

export interface RunningControllers {
  status(): ControllersStatus;
  /** Stops watching and waits for the syncs in progress. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the local stack's controller manager: the Deployment controller, the scheduler and
 * the EndpointSlice controller over one informer per kind. Resolves once every kind is synced
 * and the controllers run; they act only after that, so a start never mistakes objects not yet
 * listed for missing ones.
 */
export async function startControllers(options: ControllersOptions): Promise<RunningControllers> {
  const { logger } = options;
  if ((!options.sources || !options.writer) && options.kubeconfigPath === undefined) {
    throw new TypeError('startControllers: give kubeconfigPath, or both sources and writer');
  }
  const sources = options.sources ?? createInformerSources({ kubeconfigPath: options.kubeconfigPath, logger });
  // A writer made here is closed by stop(); one given by the caller is the caller's.
  let ownWriter: HttpKubeWriter | undefined;
  const writer: KubeWriter = options.writer ?? (ownWriter = createKubeWriter({ kubeconfigPath: options.kubeconfigPath ?? '' }));
  const views = {
    deployments: new ObjectView<Deployment>(),
    pods: new ObjectView<Pod>(),
    nodes: new ObjectView<Node>(),
    services: new ObjectView<Service>(),
    slices: new ObjectView<EndpointSlice>(),
  };
  const retry = options.retry;
  const scheduler = new Scheduler({ pods: views.pods, nodes: views.nodes, writer, logger, ...(retry ? { retry } : {}) });
  const deployments = new DeploymentController({
    deployments: views.deployments,
    pods: views.pods,
    writer,
    pickNode: () => scheduler.pickNode(),
    logger,
    ...(retry ? { retry } : {}),
  });
  const endpointSlices = new EndpointSliceController({ services: views.services, pods: views.pods, slices: views.slices, writer, logger, ...(retry ? { retry } : {}) });

  const started: ObjectSource<KubeObject>[] = [];
  const watch = <T extends KubeObject>(source: ObjectSource<T>, handle: (change: ObjectChange<T>) => void): Promise<void> => {
    started.push(source as unknown as ObjectSource<KubeObject>);
    return source.start(handle);
  };
  let synced = false;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await Promise.all([deployments.stop(), scheduler.stop(), endpointSlices.stop()]);
      await Promise.all(started.map((s) => s.stop()));
      ownWriter?.close();
    })());
  try {
    await Promise.all([
      watch(sources.deployments(), (change) => {
        views.deployments.observe(change);
        deployments.deploymentChanged(change.object);
      }),
      watch(sources.pods(), (change) => {
        const before = views.pods.observe(change);
        deployments.podChanged(change.object, before);
        scheduler.podChanged(change.object, change.type === 'delete');
        endpointSlices.podChanged(change.object, before);
      }),
      watch(sources.nodes(), (change) => {
        views.nodes.observe(change);
        scheduler.nodeChanged();
      }),
      watch(sources.services(), (change) => {
        views.services.observe(change);
        endpointSlices.serviceChanged(change.object);
      }),
      watch(sources.endpointSlices(), (change) => {
        views.slices.observe(change);
        endpointSlices.sliceChanged(change.object);
      }),
    ]);
  } catch (e) {
    await stop();
    throw e;
  }
  synced = true;
  scheduler.start();
  deployments.start();
  endpointSlices.start();
  logger.info(
    `controllers: running (deployments ${views.deployments.observedCount}, pods ${views.pods.observedCount}, nodes ${views.nodes.observedCount}, services ${views.services.observedCount}, endpointslices ${views.slices.observedCount})`,
  );
  return {
    status: () => ({
      synced,
      objects: {
        deployments: views.deployments.observedCount,
        pods: views.pods.observedCount,
        nodes: views.nodes.observedCount,
        services: views.services.observedCount,
        endpointSlices: views.slices.observedCount,
      },
      deployments: deployments.stats(),
      scheduler: scheduler.stats(),
      endpointSlices: endpointSlices.stats(),
    }),
    stop,
  };
}

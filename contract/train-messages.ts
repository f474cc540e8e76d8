// Signals and the query between a release train (`releaseTrain`) and its services' deployments.
// Side-effect free so the CLI can import it without loading workflow code. A train takes the
// decision signals and updates of a deployment (contract/messages.ts) by the same names.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TrainOrder, TrainReport, TrainStatus } from './train.js';

/** Parent → child: switch, roll back, go on (sync), stop. Counted only from the child's own parent run. */
export const trainOrderSignal = defineSignal<[TrainOrder]>('trainOrder');
/** Child → parent: ready to switch, switched, failing, monitored. Counted only from a child the train started. */
export const trainReportSignal = defineSignal<[TrainReport]>('trainReport');
/** The train's status: every service's state, colors, SHA and verify evidence. */
export const trainStatusQuery = defineQuery<TrainStatus>('status');

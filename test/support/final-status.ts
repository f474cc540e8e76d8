// The one way tests read a finished deployment's status: it completed (SUCCEEDED) or failed
// carrying its status (FAILED, ROLLED_BACK, ABORTED); see client/final-status.ts.
export { finalStatus } from '../../client/final-status.js';

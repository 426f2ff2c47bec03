/**
 * Layouts learned while training: `blockPruning` (scheduled, from dense to a
 * target density) and `rigl` (prune and regrow at constant density).
 */
export {BlockPruning, blockPruning, BlockPruningArgs} from './block_pruning';
export {Batch, RigL, rigl, RigLArgs} from './rigl';
export {densityAt, PruningSchedule, PruningScheduleArgs, RigLSchedule, RigLScheduleArgs, rigLDropFractionAt} from './schedules';
export {SparsityUpdate, WeightUpdate} from './updates';

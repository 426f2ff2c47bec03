/**
 * The layers tests save to and load from disk through the repo's one Node
 * model-directory handler (model.json + weights.bin, real JSON text on disk),
 * which stands in for tfjs-node's file:// when tfjs-node is not loaded.
 */
export {modelDirectory as fileHandler} from '../../scripts/lib/model_directory';

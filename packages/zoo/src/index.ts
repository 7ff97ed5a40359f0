export {
  ZOO,
  createModel,
  modelCost,
  requireZooEntry,
  zooEntry,
  zooHost,
  zooProgram,
  zooSources,
  type PaperFigures,
  type ZooEntry,
} from './registry.js';

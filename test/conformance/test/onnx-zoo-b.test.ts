import { onnxZooSuite } from './onnx-helpers.js';

onnxZooSuite(1, 2);

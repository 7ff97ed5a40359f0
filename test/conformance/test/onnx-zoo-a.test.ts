import { onnxZooSuite } from './onnx-helpers.js';

// Split across files so CI's two cores share the work.
onnxZooSuite(0, 2);

// The WebGPU runtime in a browser: the runtime bundled for the web by esbuild (no Node built-ins may leak in), a zoo
// model compiled to a WGSL bundle and served with it from 127.0.0.1 (a secure context, where navigator.gpu exists),
// run in headless Chromium (SwiftShader's WebGPU adapter where there is no GPU), compared with the interpreter.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext } from 'playwright-core';
import { bundleFiles, emitWgsl, type Plan } from '@excite/backend-wgsl';
import { interpret, relativeError } from '@excite/ir';
import { sampleOf } from './helpers.js';
import { wgslModel } from './wgsl-helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const chromiumPath = '/usr/bin/chromium';

/** esbuild comes with the workspace's tooling (tsx, vite), hoisted into pnpm's virtual store. */
async function bundleRuntime(): Promise<string> {
  const require = createRequire(join(root, 'node_modules/.pnpm/node_modules/'));
  const esbuild = require('esbuild') as { build(options: object): Promise<{ outputFiles: Array<{ text: string }> }> };
  const result = await esbuild.build({
    entryPoints: [join(root, 'packages/runtime-webgpu/src/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'excite',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('the WebGPU runtime in headless Chromium', () => {
  let server: Server;
  let browser: BrowserContext;
  let origin: string;
  let runtime: string;
  const profile = mkdtempSync(join(tmpdir(), 'excite-chromium-'));
  const graph = wgslModel('se-mobilenet');
  const files = new Map(bundleFiles(emitWgsl(graph)).map((f) => [`/bundle/${f.path}`, f.contents]));

  beforeAll(async () => {
    runtime = await bundleRuntime();
    server = createServer((request, response) => {
      const path = request.url ?? '/';
      const body = path === '/' ? '<!doctype html><meta charset="utf-8"><script src="/runtime.js"></script>'
        : path === '/runtime.js' ? runtime : files.get(path);
      if (body === undefined) {
        response.writeHead(404).end();
        return;
      }
      const type = path === '/' ? 'text/html' : path.endsWith('.js') ? 'text/javascript' : path.endsWith('.json') ? 'application/json'
        : path.endsWith('.bin') ? 'application/octet-stream' : 'text/plain';
      response.writeHead(200, { 'content-type': type }).end(body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    // A fresh profile directory per run.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => server?.close(done));
    rmSync(profile, { recursive: true, force: true });
  });

  it('the browser bundle of the runtime needs nothing from Node', () => {
    expect(existsSync(chromiumPath)).toBe(true);
    expect(runtime).not.toMatch(/\brequire\(|from ["']node:|["']node:[a-z]/);
  });

  it('se-mobilenet, fetched and run in the page, agrees with the interpreter', { timeout: 180_000 }, async () => {
    const input = sampleOf(graph, 2, 5);
    const page = await browser.newPage();
    await page.goto(origin);
    const result = await page.evaluate(async (values: number[]) => {
      const gpu = (globalThis as unknown as { navigator: { gpu?: GPU } }).navigator.gpu;
      if (!gpu) return { error: 'no navigator.gpu' };
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { error: 'no WebGPU adapter' };
      const fetched = async (path: string) => {
        const response = await fetch(path);
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        return response;
      };
      const plan = (await (await fetched('/bundle/plan.json')).json()) as Plan;
      const device = await adapter.requestDevice({
        requiredLimits: { maxStorageBufferBindingSize: plan.limits.maxStorageBufferBindingSize, maxBufferSize: plan.limits.maxBufferSize },
      });
      const kernels: Record<string, string> = {};
      for (const kernel of plan.kernels) kernels[kernel.file.replace('kernels/', '')] = await (await fetched(`/bundle/${kernel.file}`)).text();
      const weights = new Uint8Array(await (await fetched('/bundle/weights.bin')).arrayBuffer());
      const runtime = (globalThis as unknown as { excite: typeof import('@excite/runtime-webgpu') }).excite;
      const model = await runtime.loadBundle(device, { plan, kernels, weights });
      const output = await model.run(new Float32Array(values), 2);
      const stats = model.stats;
      model.destroy();
      return { output: Array.from(output), stats };
    }, Array.from(input.data));
    await page.close();
    if ('error' in result) throw new Error(`Chromium: ${result.error}`);
    const expected = interpret(graph, input).output;
    expect(result.output).toHaveLength(expected.data.length);
    expect(relativeError(expected.data, Float32Array.from(result.output))).toBeLessThan(1e-3);
    expect(result.stats.dispatchesLastRun).toBe(2 * result.stats.dispatchesPerSample);
  });
});

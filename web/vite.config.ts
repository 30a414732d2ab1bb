import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Static Web Apps reads staticwebapp.config.json from the deployed folder, and the local host serves
 * the same file's headers (local/host/static-host.ts): the built app carries it next to index.html.
 */
function staticWebAppConfig(): Plugin {
  return {
    name: 'static-web-app-config',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'staticwebapp.config.json',
        source: readFileSync(new URL('staticwebapp.config.json', import.meta.url), 'utf8'),
      });
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [react(), staticWebAppConfig()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // A strict CSP (no inline script) must hold: no asset is inlined as a data: module.
    assetsInlineLimit: 0,
    sourcemap: true,
    // Two pages: the host stand (index.html) and the guest's join page (join.html, at /j/{code}
    // through staticwebapp.config.json), which loads none of the host stand's code.
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        join: fileURLToPath(new URL('join.html', import.meta.url)),
      },
    },
  },
  // `npm run dev:web` next to `npm start`: the API and its runtime config come from the local host.
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/api': 'http://127.0.0.1:7071', '/config.json': 'http://127.0.0.1:7071' },
  },
});

import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// Base './' so the built app runs from any folder (a USB stick, a sub-path on an intranet server).
export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    // No preload helper around dynamic imports: it appended a <link rel=modulepreload> per dependency
    // of the page chunk inside the shell's first task (150 ms of it at 4x CPU slowdown). The browser
    // finds a chunk's imports itself when it parses the chunk.
    modulePreload: false,
  },
  // Module workers: the engine worker uses ES imports and is code-split like the page.
  worker: {
    format: 'es',
    // Chunks split off the worker carry a prefix, so the first-screen budget can tell them from page code.
    rollupOptions: {
      output: { chunkFileNames: 'assets/worker-[name]-[hash].js' },
    },
  },
  preview: {
    port: 4173,
    strictPort: true,
  },
  plugins: [
    VitePWA({
      // A new version waits for the user's "Reload": an automatic reload could cut a meter session.
      registerType: 'prompt',
      // src/ui/sw-update.ts imports virtual:pwa-register itself.
      injectRegister: false,
      manifest: {
        name: 'MeterScope',
        short_name: 'MeterScope',
        description:
          'Read electricity, gas, water and heat meters over IEC 62056-21 and DLMS/COSEM: optical probe, TCP bridge, offline.',
        start_url: './',
        scope: './',
        display: 'standalone',
        theme_color: '#0f4c81',
        background_color: '#0f4c81',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Includes the emitted worker chunks (assets/*.js), so the engine works offline too.
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest,txt}'],
        navigateFallback: 'index.html',
        // Files a crawler or the browser asks for by name must come as themselves, never as the app's HTML.
        navigateFallbackDenylist: [/\.(?:txt|json|js|webmanifest|png|svg)$/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});

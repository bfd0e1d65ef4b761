import { defineConfig } from 'vite';

/**
 * Builds the web app into dashboard/dist (`npm run build` runs `vite build dashboard`, so this
 * folder is the root). `vera serve` serves dist at /; hashed files under /assets/ are cached
 * forever, index.html never.
 */
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // echarts (tree-shaken) is most of the bundle; one chunk loads faster than a waterfall here.
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/graphql': 'http://127.0.0.1:4000' } },
});

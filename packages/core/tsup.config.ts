import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/node/index.ts', 'src/dev/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
})

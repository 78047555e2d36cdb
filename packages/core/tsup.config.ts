import { defineConfig } from 'tsup'

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/node/index.ts',
    'src/dev/index.ts',
    'src/plugins/index.ts',
    'src/kit/index.ts',
  ],
  format: ['esm'],
  dts: true,
  clean: true,
})

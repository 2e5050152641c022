// `npm run docs`: rewrites the docs pages generated from the code (docs/environment.md).
import { writeFileSync } from 'node:fs'
import { ENVIRONMENT_DOCS, renderEnvironmentDocs } from './environment-docs.ts'

writeFileSync(new URL(`../../${ENVIRONMENT_DOCS}`, import.meta.url), renderEnvironmentDocs())
process.stdout.write(`wrote ${ENVIRONMENT_DOCS}\n`)

import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { dropTemplate, prepareTemplate } from './databases';

declare module 'vitest' {
  export interface ProvidedContext {
    testRun: string;
  }
}

/** Migrates once per run into a template every test file copies. */
export async function setup(project: TestProject): Promise<void> {
  process.env.KAMENG_TEST_RUN = randomUUID().replace(/-/g, '').slice(0, 10);
  project.provide('testRun', process.env.KAMENG_TEST_RUN);
  await prepareTemplate();
}

export async function teardown(): Promise<void> {
  await dropTemplate();
}

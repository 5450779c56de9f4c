import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize';
import { testConfig } from './config';

let shared: Sequelize | null = null;

/** The one Sequelize instance the models are bound to during the test run. */
export function testSequelize(): Sequelize {
  shared ??= createSequelize(testConfig());
  return shared;
}

export async function closeTestSequelize(): Promise<void> {
  await shared?.close();
  shared = null;
}

/** Every CLI command, in the order help lists them. */
import { type CommandSpec } from '../command';
import {
  applicationsCreate,
  applicationsList,
  applicationsRotateSecret,
} from './applications.command';
import { connectionsList, connectionsShow } from './connections.command';
import { linksCreate } from './links.command';
import { signingKeyRotate } from './signing-key.command';
import { runsList, syncRun } from './sync.command';
import { vaultRotate } from './vault.command';
import { webhooksList, webhooksReplay } from './webhooks.command';

export const COMMANDS: readonly CommandSpec[] = [
  applicationsCreate,
  applicationsList,
  applicationsRotateSecret,
  linksCreate,
  connectionsList,
  connectionsShow,
  syncRun,
  runsList,
  webhooksList,
  webhooksReplay,
  vaultRotate,
  signingKeyRotate,
];

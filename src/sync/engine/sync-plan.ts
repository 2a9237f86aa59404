/**
 * Owns turning a connection's settings into what one run reads: resources, scope and mapping
 * checked against the credentials' attribute catalog, and the absence window for today. The
 * sync run and the dry-run preview both start here, so they cannot read differently.
 */
import type { ConnectorSession } from '../../../connectors/connector';
import type { CustomAttributeDefinition, IsoDate } from '../../../connectors/unified';
import type { ConnectionSettings } from '../../connections/dto/connection-settings.dto';
import { absenceWindow } from '../absence-window';
import { compileFieldMapping, describeMappingIssue } from '../field-mapping';
import { compileScope } from '../scope';
import type { ReadPlan, SyncedResource } from './read-phase';

export async function compileReadPlan(
  session: ConnectorSession,
  connectionId: string,
  settings: ConnectionSettings,
  today: IsoDate,
): Promise<{ plan: ReadPlan; issues: string[] }> {
  const needsCatalog =
    settings.scope?.attribute_rule !== undefined ||
    Object.keys(settings.field_mapping ?? {}).length > 0;
  const catalog: CustomAttributeDefinition[] = needsCatalog ? await session.customAttributes() : [];
  const scope = compileScope(settings.scope, catalog);
  const mapping = compileFieldMapping(settings.field_mapping, catalog);
  const issues = [
    ...scope.issues.map(
      (i) =>
        `the scope names "${i.attribute}", which is not an attribute these credentials can read: nobody is in scope`,
    ),
    ...mapping.issues.map((i) => describeMappingIssue(i)),
  ];
  return {
    plan: {
      connectionId,
      resources: new Set(settings.resources as SyncedResource[]),
      scope: scope.plan,
      mapping: mapping.plan,
      window: absenceWindow(
        { days_back: settings.absences.days_back, days_ahead: settings.absences.days_ahead },
        today,
      ),
    },
    issues,
  };
}

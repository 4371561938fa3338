export {
  type AuditEntry,
  appendAudit,
  SYSTEM_TENANT,
} from './audit-append.js';
export {
  CHECKPOINT_PAYLOAD_TYPE,
  type CheckpointStatement,
  signAllCheckpoints,
  signCheckpoint,
  startCheckpoints,
} from './audit-checkpoint.js';
export { type AuditFilter, type AuditRow, listAudit } from './audit-list.js';
export { type AuditProblem, type AuditVerifyReport, verifyAudit } from './audit-verify.js';
export {
  CONNECTOR_RUN,
  type ConnectorFacts,
  createGovernor,
  type GovernedEnqueueOptions,
  type Governor,
  type GovernorOptions,
  policyDenied,
  type StoredGrant,
} from './governor.js';
export { formatIssues, type Issue } from './issues.js';
export { TEMPLATE_PACKS } from './packs.js';
export {
  GOVERNED_RUN_PREDICATE_TYPE,
  type PolicyCheckOptions,
  withPolicyCheck,
} from './policy-at-claim.js';
export { revokeToken } from './revoke-token.js';
export {
  createTemplateCatalog,
  type StoredTemplate,
  type TemplateCatalog,
} from './template-catalog.js';
export { checkTemplateFile, type JobTemplate, loadTemplateFile } from './template-file.js';
export { addTemplates, disableTemplate, listTemplates } from './template-store.js';

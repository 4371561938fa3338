// Examples set the governance flags they use; a deployment sets them in its environment.
process.env.JOBFORGE_TEMPLATES_ENABLED = '1';
process.env.JOBFORGE_POLICY_ENABLED = '1';
process.env.JOBFORGE_AUDIT_ENABLED = '1';

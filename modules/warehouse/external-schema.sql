-- The curated zone as an external schema (Redshift Spectrum), a schema for reporting tables, and a check.
-- {{database}}, {{role_arn}} and {{region}} are filled in by externalSchemaSql(); run it once as the admin user.
CREATE EXTERNAL SCHEMA IF NOT EXISTS curated FROM DATA CATALOG DATABASE '{{database}}' IAM_ROLE '{{role_arn}}' REGION '{{region}}';
CREATE SCHEMA IF NOT EXISTS reporting;
SELECT schemaname, databasename FROM svv_external_schemas WHERE schemaname = 'curated';

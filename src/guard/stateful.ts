/**
 * Resource types whose destruction loses data or makes data unreadable. One table, used by the plan guard (what a
 * plan may not destroy or replace) and by the address baseline (whose addresses must not change by accident).
 */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  aws_s3_bucket: "an S3 bucket: every object and version in it goes with it",
  aws_kms_key:
    "a KMS key: once its deletion window ends, everything encrypted with it (objects, queues, topics, state) is unreadable for good",
  aws_dynamodb_table:
    "a DynamoDB table: its items go with it (the drop-to-raw ledger, so every file would be converted again)",
  aws_glue_catalog_database:
    "a Glue database: its tables, partitions and Lake Formation grants go with it; Athena and Redshift lose the schema",
  // Decision: tables are data-bearing metadata. A crawler can re-create a table, but not its registered partitions,
  // manual schema choices or grants, and every Athena view and Redshift external schema over it breaks meanwhile.
  aws_glue_catalog_table:
    "a Glue table: its schema and registered partitions go with it; queries and views over it fail until it is rebuilt",
  aws_redshiftserverless_namespace: "a Redshift Serverless namespace: the warehouse's databases go with it",
  aws_redshift_cluster:
    "a Redshift cluster: its databases go with it (a final snapshot only if one is configured)",
  aws_lakeformation_data_lake_settings:
    "the account's Lake Formation settings: destroying them empties the data lake admins and resets the default permissions of every new database and table",
  aws_sagemaker_notebook_instance:
    "a SageMaker notebook instance: the notebooks and data on its ML storage volume go with it",
};

export function isStateful(type: string): boolean {
  return Object.hasOwn(STATEFUL_TYPES, type);
}

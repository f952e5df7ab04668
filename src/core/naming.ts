/**
 * A pipeline's name: lower-case snake_case, 2-41 characters. It is the S3 prefix and the table name in every zone,
 * and part of an import path (the handlers' template imports of src/pipelines/definitions/), so a name that does
 * not match is refused before it is used as either.
 */
export const PIPELINE_NAME = /^[a-z][a-z0-9_]{1,40}$/;

"""Curated transform of one pipeline on Glue (engine: glue): the raw table's new data (job bookmarks), the
pipeline's transform in Spark SQL, appended to the curated location partitioned by ingest_date and the keys."""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql.functions import lit

args = getResolvedOptions(
    sys.argv,
    ["JOB_NAME", "raw_database", "table", "transform_sql", "curated_path", "partition_keys", "columns"],
)
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

# Bookmarks: only partitions and files not processed by an earlier successful run.
raw = glue.create_dynamic_frame.from_catalog(
    database=args["raw_database"], table_name=args["table"], transformation_ctx="raw"
)
raw.toDF().createOrReplaceTempView("raw_batch")
spark = glue.spark_session
columns = args["columns"].split(",")
keys = args["partition_keys"].split(",")
# One ingest date at a time, like the Athena INSERTs: the transform sees one day, the day is its partition.
for (ingest_date,) in spark.sql("SELECT DISTINCT ingest_date FROM raw_batch").collect():
    spark.sql("SELECT * FROM raw_batch WHERE ingest_date = DATE '%s'" % ingest_date).createOrReplaceTempView("raw_one_date")
    out = spark.sql(args["transform_sql"].replace("{{raw}}", "raw_one_date")).withColumn("ingest_date", lit(ingest_date))
    out.select(*columns).write.mode("append").partitionBy(*keys).parquet(args["curated_path"])
job.commit()

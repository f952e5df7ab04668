import { definePipeline } from "../../core/pipeline.js";

/** Orders pulled hourly as CSV from the shop's export endpoint. */
export default definePipeline({
  name: "orders",
  description: "Shop orders, one row per order line, pulled hourly as CSV",
  source: { kind: "http", url: "https://shop.example.com/exports/orders.csv", schedule: "rate(1 hour)" },
  format: { type: "csv", delimiter: ",", header: true },
  schema: [
    { name: "order_id", type: "bigint", nullable: false },
    { name: "customer_id", type: "bigint", nullable: false },
    { name: "country", type: "string", nullable: false },
    { name: "sku", type: "string", nullable: false },
    { name: "quantity", type: "int", nullable: false },
    { name: "unit_price", type: "double", nullable: false },
    { name: "ordered_at", type: "timestamp", nullable: false },
    { name: "is_gift", type: "boolean" },
  ],
  partitionKeys: ["country"],
  transform: {
    sql: `SELECT country, sku, CAST(ordered_at AS DATE) AS order_date,
       COUNT(*) AS order_lines, SUM(quantity) AS units, ROUND(SUM(quantity * unit_price), 2) AS revenue
FROM {{raw}}
GROUP BY country, sku, CAST(ordered_at AS DATE)`,
  },
  dropRetentionDays: 30,
});
